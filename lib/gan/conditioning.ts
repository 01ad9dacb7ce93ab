/**
 * Conditioning augmentation (StackGAN §3.1): (μ, log σ²) = FC(e); c = μ + σ·ε, ε ~ N(0, I).
 * The KL(N(μ, σ²) ‖ N(0, I)) term keeps the conditioning manifold smooth.
 */
import * as tf from "@tensorflow/tfjs";
import { Dense } from "./layers";
import type { ParamStore } from "./param-store";

export interface CondCode {
  c: tf.Tensor2D; // [B, cDim]
  mu: tf.Tensor2D; // [B, cDim]
  logvar: tf.Tensor2D; // [B, cDim]
}

export class CondAugment {
  readonly fc: Dense;
  constructor(
    store: ParamStore,
    embDim: number,
    readonly cDim: number,
  ) {
    this.fc = new Dense(store.scope("fc"), embDim, 2 * cDim);
  }

  /** emb [B, embDim], eps [B, cDim] (pass zeros to use μ) */
  apply(emb: tf.Tensor2D, eps: tf.Tensor2D): CondCode {
    const x = this.fc.apply(emb); // [B, 2·cDim]
    const mu = x.slice([0, 0], [-1, this.cDim]);
    const logvar = x.slice([0, this.cDim], [-1, this.cDim]);
    const c = mu.add(logvar.mul(0.5).exp().mul(eps)) as tf.Tensor2D;
    return { c, mu, logvar };
  }
}

/** mean over all elements of −½(1 + log σ² − μ² − σ²), as StackGAN's KL_loss */
export function klLoss(mu: tf.Tensor2D, logvar: tf.Tensor2D): tf.Scalar {
  return tf.mean(tf.scalar(1).add(logvar).sub(mu.square()).sub(logvar.exp())).mul(-0.5) as tf.Scalar;
}
