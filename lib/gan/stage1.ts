/**
 * Stage-I (64×64): G(z, c) and D(image, c), after StackGAN's STAGE1_G / STAGE1_D.
 */
import * as tf from "@tensorflow/tfjs";
import { CondAugment, type CondCode } from "./conditioning";
import type { GanConfig } from "./config";
import { DiscHead } from "./disc-head";
import { BatchNorm, Conv2d, Dense, leaky, type Mode, upsampleConv3x3 } from "./layers";
import type { ParamStore } from "./param-store";

/** nearest 2× → 3×3 conv → BN → ReLU */
export class UpBlock {
  readonly conv: Conv2d;
  readonly bn: BatchNorm;
  constructor(store: ParamStore, inC: number, outC: number) {
    this.conv = new Conv2d(store.scope("conv"), inC, outC, 3);
    this.bn = new BatchNorm(store.scope("bn"), outC);
  }
  apply(x: tf.Tensor4D, mode: Mode): tf.Tensor4D {
    // conv(upsample2x(x)) computed on the small input (exact; 2.25× fewer multiply-adds)
    let y = upsampleConv3x3(x, this.conv.w as tf.Tensor4D);
    if (this.conv.b) y = y.add(this.conv.b);
    return this.bn.apply(y, mode, "relu");
  }
}

export interface GeneratorOutput extends CondCode {
  image: tf.Tensor4D; // [B, S, S, 3] in [-1, 1]
}

export class Stage1Generator {
  readonly ca: CondAugment;
  readonly fc: Dense;
  readonly fcBn: BatchNorm;
  readonly ups: UpBlock[];
  readonly out: Conv2d;
  readonly base: number;
  constructor(
    store: ParamStore,
    readonly config: GanConfig,
  ) {
    const { ngf } = config.g1;
    this.base = ngf * 8;
    this.ca = new CondAugment(store.scope("ca"), config.embDim, config.cDim);
    this.fc = new Dense(store.scope("fc"), config.zDim + config.cDim, 16 * this.base, { bias: false });
    this.fcBn = new BatchNorm(store.scope("fc_bn"), this.base);
    // 4×4×8ngf → 8×8×4ngf → 16×16×2ngf → 32×32×ngf → 64×64×ngf/2
    const widths = [this.base, ngf * 4, ngf * 2, ngf, Math.floor(ngf / 2)];
    this.ups = widths.slice(1).map((w, i) => new UpBlock(store.scope(`up${i}`), widths[i], w));
    this.out = new Conv2d(store.scope("out"), widths[4], 3, 3);
  }

  /** z [B, zDim], emb [B, embDim], eps [B, cDim] → image [B,64,64,3] */
  apply(z: tf.Tensor2D, emb: tf.Tensor2D, eps: tf.Tensor2D, mode: Mode): GeneratorOutput {
    const code = this.ca.apply(emb, eps);
    const h0 = this.fc.apply(z.concat(code.c, 1)).reshape([-1, 4, 4, this.base]) as tf.Tensor4D;
    let h = this.fcBn.apply(h0, mode, "relu"); // [B,4,4,8ngf]
    for (const up of this.ups) h = up.apply(h, mode); // … [B,64,64,ngf/2]
    return { ...code, image: tf.tanh(this.out.apply(h)) };
  }
}

/** 4×4 stride-2 conv → (BN) → leaky ReLU */
export class DownBlock {
  readonly conv: Conv2d;
  readonly bn: BatchNorm | null;
  constructor(store: ParamStore, inC: number, outC: number, bn: boolean) {
    this.conv = new Conv2d(store.scope("conv"), inC, outC, 4, 2);
    this.bn = bn ? new BatchNorm(store.scope("bn"), outC) : null;
  }
  apply(x: tf.Tensor4D, mode: Mode): tf.Tensor4D {
    const y = this.conv.apply(x);
    return this.bn ? this.bn.apply(y, mode, "leaky") : leaky(y);
  }
}

export class Stage1Discriminator {
  readonly downs: DownBlock[];
  readonly head: DiscHead;
  constructor(store: ParamStore, config: GanConfig) {
    const { ndf } = config.d1;
    // 64 → 32 (ndf) → 16 (2ndf) → 8 (4ndf) → 4 (8ndf)
    const widths = [3, ndf, ndf * 2, ndf * 4, ndf * 8];
    this.downs = widths.slice(1).map((w, i) => new DownBlock(store.scope(`down${i}`), widths[i], w, i > 0));
    this.head = new DiscHead(store.scope("head"), ndf * 8, config.cDim);
  }

  /** image [B,64,64,3] → code [B,4,4,8ndf] */
  encode(image: tf.Tensor4D, mode: Mode): tf.Tensor4D {
    let h = image;
    for (const d of this.downs) h = d.apply(h, mode);
    return h;
  }
}
