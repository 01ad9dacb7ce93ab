/**
 * The discriminator head shared by both stages. From the image code [B,4,4,8·ndf]:
 * conditional logit: join c replicated over 4×4 → 1×1 conv → BN → leaky → 4×4 valid conv → [B]
 * unconditional logit: 4×4 valid conv on the code alone → [B]
 */
import type * as tf from "@tensorflow/tfjs";
import { BatchNorm, Conv2d, type Mode, replicate } from "./layers";
import type { ParamStore } from "./param-store";

export class DiscHead {
  readonly joint: Conv2d;
  readonly jointBn: BatchNorm;
  readonly condOut: Conv2d;
  readonly uncondOut: Conv2d;
  constructor(store: ParamStore, codeC: number, cDim: number) {
    this.joint = new Conv2d(store.scope("joint"), codeC + cDim, codeC, 1);
    this.jointBn = new BatchNorm(store.scope("joint_bn"), codeC);
    this.condOut = new Conv2d(store.scope("cond_out"), codeC, 1, 4, 4, "valid", { bias: true });
    this.uncondOut = new Conv2d(store.scope("uncond_out"), codeC, 1, 4, 4, "valid", { bias: true });
  }

  /** code [B,4,4,C], c [B,cDim] → logits [B] */
  cond(code: tf.Tensor4D, c: tf.Tensor2D, mode: Mode): tf.Tensor1D {
    const h = code.concat(replicate(c, 4), 3); // [B,4,4,C+cDim]
    const j = this.jointBn.apply(this.joint.apply(h), mode, "leaky"); // [B,4,4,C]
    return this.condOut.apply(j).reshape([-1]);
  }

  uncond(code: tf.Tensor4D): tf.Tensor1D {
    return this.uncondOut.apply(code).reshape([-1]);
  }
}
