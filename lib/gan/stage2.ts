/**
 * Stage-II (256×256), after StackGAN's STAGE2_G / STAGE2_D: the generator encodes the Stage-I image
 * down to 16×16, joins its own conditioning code, refines with residual blocks and upsamples to 256. With
 * `g2.skip` the result is added (before the final tanh) to the Stage-I image upscaled 4×.
 */
import * as tf from "@tensorflow/tfjs";
import { CondAugment } from "./conditioning";
import type { GanConfig } from "./config";
import { DiscHead } from "./disc-head";
import { BatchNorm, Conv2d, type Mode, replicate, upsample2x } from "./layers";
import type { ParamStore } from "./param-store";
import { DownBlock, type GeneratorOutput, UpBlock } from "./stage1";

/** the skip path clips the upscaled Stage-I image to ±SKIP_CLIP before atanh (atanh(±1) is infinite) */
export const SKIP_CLIP = 0.999;

/**
 * atanh of the Stage-I image upscaled 4× (nearest): the pre-tanh image G2's residual is added to. No tidy of its
 * own (the callers' tidy frees the intermediates), so a gradient through it to Stage-I stays possible.
 */
export function skipBase(stage1Image: tf.Tensor4D): tf.Tensor4D {
  return tf.atanh(tf.clipByValue(upsample2x(upsample2x(stage1Image)), -SKIP_CLIP, SKIP_CLIP));
}

/** x + BN(conv(ReLU(BN(conv(x))))), then ReLU */
export class ResBlock {
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm;
  readonly conv2: Conv2d;
  readonly bn2: BatchNorm;
  constructor(store: ParamStore, c: number) {
    this.conv1 = new Conv2d(store.scope("conv1"), c, c, 3);
    this.bn1 = new BatchNorm(store.scope("bn1"), c);
    this.conv2 = new Conv2d(store.scope("conv2"), c, c, 3);
    this.bn2 = new BatchNorm(store.scope("bn2"), c);
  }
  apply(x: tf.Tensor4D, mode: Mode): tf.Tensor4D {
    const h = this.bn1.apply(this.conv1.apply(x), mode, "relu");
    return tf.relu(x.add(this.bn2.apply(this.conv2.apply(h), mode)) as tf.Tensor4D);
  }
}

export class Stage2Generator {
  readonly ca: CondAugment;
  readonly inConv: Conv2d;
  readonly down1: Conv2d;
  readonly down1Bn: BatchNorm;
  readonly down2: Conv2d;
  readonly down2Bn: BatchNorm;
  readonly joint: Conv2d;
  readonly jointBn: BatchNorm;
  readonly res: ResBlock[];
  readonly ups: UpBlock[];
  readonly out: Conv2d;
  constructor(
    store: ParamStore,
    readonly config: GanConfig,
  ) {
    const { ngf, resBlocks } = config.g2;
    this.ca = new CondAugment(store.scope("ca"), config.embDim, config.cDim);
    // 64×64×3 → 64×64×ngf → 32×32×2ngf → 16×16×4ngf
    this.inConv = new Conv2d(store.scope("in"), 3, ngf, 3);
    this.down1 = new Conv2d(store.scope("down1"), ngf, ngf * 2, 4, 2);
    this.down1Bn = new BatchNorm(store.scope("down1_bn"), ngf * 2);
    this.down2 = new Conv2d(store.scope("down2"), ngf * 2, ngf * 4, 4, 2);
    this.down2Bn = new BatchNorm(store.scope("down2_bn"), ngf * 4);
    this.joint = new Conv2d(store.scope("joint"), ngf * 4 + config.cDim, ngf * 4, 3);
    this.jointBn = new BatchNorm(store.scope("joint_bn"), ngf * 4);
    this.res = Array.from({ length: resBlocks }, (_, i) => new ResBlock(store.scope(`res${i}`), ngf * 4));
    // 16 → 32 (2ngf) → 64 (ngf) → 128 (ngf/2) → 256 (ngf/4)
    const widths = [ngf * 4, ngf * 2, ngf, Math.floor(ngf / 2), Math.floor(ngf / 4)];
    this.ups = widths.slice(1).map((w, i) => new UpBlock(store.scope(`up${i}`), widths[i], w));
    this.out = new Conv2d(store.scope("out"), widths[4], 3, 3);
  }

  /** stage1Image [B,64,64,3], emb [B,embDim], eps [B,cDim] → image [B,256,256,3] */
  apply(stage1Image: tf.Tensor4D, emb: tf.Tensor2D, eps: tf.Tensor2D, mode: Mode): GeneratorOutput {
    const code = this.ca.apply(emb, eps);
    let h = tf.relu(this.inConv.apply(stage1Image));
    h = this.down1Bn.apply(this.down1.apply(h), mode, "relu");
    h = this.down2Bn.apply(this.down2.apply(h), mode, "relu"); // [B,16,16,4ngf]
    h = h.concat(replicate(code.c, 16), 3);
    h = this.jointBn.apply(this.joint.apply(h), mode, "relu"); // [B,16,16,4ngf]
    for (const r of this.res) h = r.apply(h, mode);
    for (const up of this.ups) h = up.apply(h, mode); // [B,256,256,ngf/4]
    const r = this.out.apply(h);
    const pre = this.config.g2.skip ? (skipBase(stage1Image).add(r) as tf.Tensor4D) : r;
    return { ...code, image: tf.tanh(pre) };
  }
}

export class Stage2Discriminator {
  readonly downs: DownBlock[];
  readonly squeeze1: Conv2d;
  readonly squeeze1Bn: BatchNorm;
  readonly squeeze2: Conv2d;
  readonly squeeze2Bn: BatchNorm;
  readonly head: DiscHead;
  constructor(store: ParamStore, config: GanConfig) {
    const { ndf } = config.d2;
    // 256 → 128 (ndf) → 64 (2) → 32 (4) → 16 (8) → 8 (16) → 4 (32·ndf)
    const widths = [3, ndf, ndf * 2, ndf * 4, ndf * 8, ndf * 16, ndf * 32];
    this.downs = widths.slice(1).map((w, i) => new DownBlock(store.scope(`down${i}`), widths[i], w, i > 0));
    this.squeeze1 = new Conv2d(store.scope("squeeze1"), ndf * 32, ndf * 16, 3);
    this.squeeze1Bn = new BatchNorm(store.scope("squeeze1_bn"), ndf * 16);
    this.squeeze2 = new Conv2d(store.scope("squeeze2"), ndf * 16, ndf * 8, 3);
    this.squeeze2Bn = new BatchNorm(store.scope("squeeze2_bn"), ndf * 8);
    this.head = new DiscHead(store.scope("head"), ndf * 8, config.cDim);
  }

  /** image [B,256,256,3] → code [B,4,4,8ndf] */
  encode(image: tf.Tensor4D, mode: Mode): tf.Tensor4D {
    let h = image;
    for (const d of this.downs) h = d.apply(h, mode);
    h = this.squeeze1Bn.apply(this.squeeze1.apply(h), mode, "leaky");
    return this.squeeze2Bn.apply(this.squeeze2.apply(h), mode, "leaky");
  }
}
