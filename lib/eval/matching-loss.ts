/**
 * DAMSM's sentence-level matching loss (AttnGAN eq. 10–11), symmetric InfoNCE over a batch:
 *   s_ij = γ · cos(image_i, text_j);  L = CE_rows(s, diag) + CE_cols(s, diag)
 * Pairs of the same class off the diagonal are masked out (as AttnGAN does with class ids): an emoji drawn in
 * another style is not a wrong match for this caption.
 */
import * as tf from "@tensorflow/tfjs";

/** classes[i] is the class of pair i; returns the [B, B] mask (1 = same class, different pair). */
export function sameClassMask(classes: (string | number)[]): Float32Array {
  const b = classes.length;
  const m = new Float32Array(b * b);
  for (let i = 0; i < b; i++)
    for (let j = 0; j < b; j++) if (i !== j && classes[i] === classes[j]) m[i * b + j] = 1;
  return m;
}

/** img, txt: [B, E]; mask: [B, B] from sameClassMask; returns the scalar loss. */
export function sentenceMatchingLoss(
  img: tf.Tensor2D,
  txt: tf.Tensor2D,
  gamma: number,
  mask: Float32Array,
): tf.Scalar {
  return tf.tidy(() => {
    const b = img.shape[0];
    const i = img.div(img.norm("euclidean", 1, true).add(1e-8)) as tf.Tensor2D;
    const t = txt.div(txt.norm("euclidean", 1, true).add(1e-8)) as tf.Tensor2D;
    // [B, B]: row i = image i against every caption; masked entries pushed to −1e4 (exp → 0)
    const s = tf
      .matMul(i, t, false, true)
      .mul(gamma)
      .sub(tf.tensor2d(mask, [b, b]).mul(1e4));
    const eye = tf.eye(b);
    const rows = tf.logSoftmax(s, 1).mul(eye).sum().div(-b);
    const cols = tf.logSoftmax(s.transpose(), 1).mul(eye).sum().div(-b);
    return rows.add(cols) as tf.Scalar;
  });
}

/** logits [B, K], labels: class index per row; mean cross-entropy. */
export function classLoss(logits: tf.Tensor2D, labels: number[]): tf.Scalar {
  return tf.tidy(() => {
    const k = logits.shape[1];
    const onehot = tf.oneHot(tf.tensor1d(labels, "int32"), k);
    return tf.logSoftmax(logits, 1).mul(onehot).sum().div(-labels.length) as tf.Scalar;
  });
}
