/**
 * Matching-aware GAN losses (StackGAN / GAN-CLS): D sees (real, right text), (real, wrong text) and
 * (fake, right text); D loss = real + ½(fake + wrong), each conditional term averaged with its
 * unconditional counterpart where one exists. G fools D on both logits.
 */
import * as tf from "@tensorflow/tfjs";

/** mean binary cross-entropy of logits against a constant target 0 or 1 (numerically stable softplus form) */
export function bceWithLogits(logits: tf.Tensor, target: 0 | 1): tf.Scalar {
  return tf.mean(tf.softplus(target === 1 ? tf.neg(logits) : logits)) as tf.Scalar;
}

export interface DLogits {
  realRight: tf.Tensor1D;
  realWrong: tf.Tensor1D;
  fakeRight: tf.Tensor1D;
  realUncond: tf.Tensor1D;
  fakeUncond: tf.Tensor1D;
}

export function discriminatorLoss(l: DLogits): {
  d: tf.Scalar;
  dReal: tf.Scalar;
  dWrong: tf.Scalar;
  dFake: tf.Scalar;
} {
  const dReal = bceWithLogits(l.realRight, 1).add(bceWithLogits(l.realUncond, 1)).mul(0.5) as tf.Scalar;
  const dFake = bceWithLogits(l.fakeRight, 0).add(bceWithLogits(l.fakeUncond, 0)).mul(0.5) as tf.Scalar;
  const dWrong = bceWithLogits(l.realWrong, 0);
  const d = dReal.add(dFake.add(dWrong).mul(0.5)) as tf.Scalar;
  return { d, dReal, dWrong, dFake };
}

export function generatorAdvLoss(fakeRight: tf.Tensor1D, fakeUncond: tf.Tensor1D): tf.Scalar {
  return bceWithLogits(fakeRight, 1).add(bceWithLogits(fakeUncond, 1)).mul(0.5) as tf.Scalar;
}
