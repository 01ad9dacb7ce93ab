/**
 * The whole GAN for one config: Stage-I G (always), plus the discriminator of the stage being trained
 * and, for stage 2, the Stage-II generator. Builders are pure: config + seed in, networks out.
 */
import type * as tf from "@tensorflow/tfjs";
import { Rng } from "../random";
import type { GanConfig } from "./config";
import type { DiscHead } from "./disc-head";
import type { Mode } from "./layers";
import { ParamStore } from "./param-store";
import { type GeneratorOutput, Stage1Discriminator, Stage1Generator } from "./stage1";
import { Stage2Discriminator, Stage2Generator } from "./stage2";

export interface Discriminator {
  encode(image: tf.Tensor4D, mode: Mode): tf.Tensor4D;
  head: DiscHead;
}

export interface GanOutput extends GeneratorOutput {
  /** the 64 px Stage-I image (equal to `image` for stage 1) */
  stage1Image: tf.Tensor4D;
}

export class GanModel {
  readonly stores: { g1: ParamStore; g2?: ParamStore; d?: ParamStore };
  readonly g1: Stage1Generator;
  readonly g2: Stage2Generator | null;
  readonly d: Discriminator | null;

  constructor(
    readonly config: GanConfig,
    opts: { seed: number; withDiscriminator: boolean },
  ) {
    const rng = new Rng(opts.seed);
    this.stores = { g1: new ParamStore("g1", rng) };
    this.g1 = new Stage1Generator(this.stores.g1, config);
    this.g2 = null;
    if (config.stage === 2) {
      this.stores.g2 = new ParamStore("g2", rng);
      this.g2 = new Stage2Generator(this.stores.g2, config);
    }
    this.d = null;
    if (opts.withDiscriminator) {
      const name = config.stage === 1 ? "d1" : "d2";
      this.stores.d = new ParamStore(name, rng);
      this.d =
        config.stage === 1
          ? new Stage1Discriminator(this.stores.d, config)
          : new Stage2Discriminator(this.stores.d, config);
    }
  }

  /** the generator trained at this stage (Stage-I stays frozen during stage 2) */
  get trainedG(): ParamStore {
    return this.config.stage === 1 ? this.stores.g1 : (this.stores.g2 as ParamStore);
  }

  /** imageSize of the final output */
  get imageSize(): 64 | 256 {
    return this.config.stage === 1 ? 64 : 256;
  }

  /**
   * z [B,zDim], emb [B,embDim], eps [B,cDim] → images. In stage 2 Stage-I runs in inference mode
   * (running statistics) since it is frozen, and the Stage-II output carries the Stage-II code.
   */
  generate(z: tf.Tensor2D, emb: tf.Tensor2D, eps: tf.Tensor2D, mode: Mode): GanOutput {
    if (!this.g2) {
      const out = this.g1.apply(z, emb, eps, mode);
      return { ...out, stage1Image: out.image };
    }
    const s1 = this.g1.apply(z, emb, eps, { training: false });
    const out = this.g2.apply(s1.image, emb, eps, mode);
    return { ...out, stage1Image: s1.image };
  }

  /** every weight and running statistic by name (g1.*, g2.*, d1.* or d2.*) */
  namedTensors(which: "all" | "generators" = "all"): Map<string, tf.Variable> {
    const out = new Map<string, tf.Variable>();
    for (const [key, store] of Object.entries(this.stores)) {
      if (which === "generators" && key === "d") continue;
      for (const [n, v] of store?.all() ?? []) out.set(n, v);
    }
    return out;
  }

  dispose(): void {
    for (const s of Object.values(this.stores)) s?.dispose();
  }
}
