/**
 * Inception-like score: exp(E_x[KL(p(y|x) ‖ p(y))]) over the class probabilities of a classifier
 * (Salimans et al. 2016), here our own classifier head instead of Inception-v3. It lies in [1, K]:
 * 1 when every image gets the same distribution, K when each is confidently one class and all K classes are equally used.
 */

export interface InceptionScore {
  /** mean over splits */
  mean: number;
  /** standard deviation over splits (0 with one split) */
  std: number;
  splits: number;
}

/** probs: [n, k] row-major, each row a probability distribution. */
export function inceptionScore(probs: ArrayLike<number>, k: number, splits = 1): InceptionScore {
  const n = probs.length / k;
  if (!Number.isInteger(n) || n < splits || splits < 1)
    throw new Error(`inceptionScore: ${probs.length} values are not [n, ${k}] with n ≥ splits (${splits})`);
  const scores: number[] = [];
  for (let s = 0; s < splits; s++) {
    const lo = Math.floor((s * n) / splits);
    const hi = Math.floor(((s + 1) * n) / splits);
    const marginal = new Float64Array(k);
    for (let i = lo; i < hi; i++) for (let j = 0; j < k; j++) marginal[j] += probs[i * k + j];
    for (let j = 0; j < k; j++) marginal[j] /= hi - lo;
    let kl = 0;
    for (let i = lo; i < hi; i++)
      for (let j = 0; j < k; j++) {
        const p = probs[i * k + j];
        // 0·log 0 = 0; marginal[j] ≥ p/(hi−lo) > 0 whenever p > 0
        if (p > 0) kl += p * Math.log(p / marginal[j]);
      }
    scores.push(Math.exp(kl / (hi - lo)));
  }
  const mean = scores.reduce((a, b) => a + b, 0) / splits;
  const std = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / splits);
  return { mean, std, splits };
}

/** Row-wise softmax of [n, k] logits, in float64 for the log. */
export function softmaxRows(logits: ArrayLike<number>, k: number): Float64Array {
  const out = new Float64Array(logits.length);
  for (let i = 0; i < logits.length / k; i++) {
    let max = -Infinity;
    for (let j = 0; j < k; j++) max = Math.max(max, logits[i * k + j]);
    let sum = 0;
    for (let j = 0; j < k; j++) {
      const e = Math.exp(logits[i * k + j] - max);
      out[i * k + j] = e;
      sum += e;
    }
    for (let j = 0; j < k; j++) out[i * k + j] /= sum;
  }
  return out;
}
