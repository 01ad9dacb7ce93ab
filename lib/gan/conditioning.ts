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

/** init std of the μ projection (see the constructor) */
export const CA_MU_INIT_STD = 1.5;

export class CondAugment {
  readonly fcMu: Dense;
  readonly fcLogvar: Dense;
  constructor(
    store: ParamStore,
    embDim: number,
    readonly cDim: number,
  ) {
    // Sentence embeddings here are L2-normalised (|e| = 1), so StackGAN's std-0.02 init would give μ a
    // spread of ~0.02 against ε ~ N(0, 1) and the text would be drowned at the start; μ gets a unit-order
    // spread instead, log σ² starts near 0 (σ ≈ 1). Two FCs = one FC to [μ ; log σ²].
    this.fcMu = new Dense(store.scope("mu"), embDim, cDim, { initStd: CA_MU_INIT_STD });
    this.fcLogvar = new Dense(store.scope("logvar"), embDim, cDim);
  }

  /** emb [B, embDim], eps [B, cDim] (pass zeros to use μ) */
  apply(emb: tf.Tensor2D, eps: tf.Tensor2D): CondCode {
    const mu = this.fcMu.apply(emb);
    const logvar = this.fcLogvar.apply(emb);
    const c = mu.add(logvar.mul(0.5).exp().mul(eps)) as tf.Tensor2D;
    return { c, mu, logvar };
  }
}

/** mean over all elements of −½(1 + log σ² − μ² − σ²), as StackGAN's KL_loss */
export function klLoss(mu: tf.Tensor2D, logvar: tf.Tensor2D): tf.Scalar {
  return tf.mean(tf.scalar(1).add(logvar).sub(mu.square()).sub(logvar.exp())).mul(-0.5) as tf.Scalar;
}
