/** Mean of each row's real tokens: hidden [n, tokens, dim], mask [n, tokens] → [n, dim]. */
export function meanPoolRows(
  hidden: Float32Array,
  mask: Uint8Array,
  n: number,
  tokens: number,
  dim: number,
): Float32Array {
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    let count = 0;
    for (let t = 0; t < tokens; t++) {
      if (!mask[i * tokens + t]) continue;
      count++;
      const src = (i * tokens + t) * dim;
      for (let d = 0; d < dim; d++) out[i * dim + d] += hidden[src + d];
    }
    const inv = 1 / Math.max(count, 1);
    for (let d = 0; d < dim; d++) out[i * dim + d] *= inv;
  }
  return out;
}

/** In-place L2 normalisation of each of the n rows of a row-major [n, dim] matrix (eps 1e-12, as tf.nn.l2_normalize). */
export function l2NormalizeRows(x: Float32Array, n: number): Float32Array {
  const dim = x.length / n;
  for (let i = 0; i < n; i++) {
    let ss = 0;
    for (let d = 0; d < dim; d++) ss += x[i * dim + d] ** 2;
    const inv = 1 / Math.sqrt(Math.max(ss, 1e-12));
    for (let d = 0; d < dim; d++) x[i * dim + d] *= inv;
  }
  return x;
}
