/**
 * Eigen-decomposition of a real symmetric matrix by the cyclic Jacobi method, in float64.
 * Slow (O(n³) per sweep, ~6–10 sweeps) but simple and numerically careful: every rotation is orthogonal,
 * so the eigenvectors stay orthonormal to rounding and the eigenvalues are accurate even for tiny ones.
 * Good for the 256×256 covariances of the Fréchet distance (about a second in JS).
 */

export interface SymmetricEigen {
  /** [n] eigenvalues, in no particular order */
  values: Float64Array;
  /** [n, n] row-major; column j is the unit eigenvector of values[j] (null when not asked for) */
  vectors: Float64Array | null;
}

/** `a` is [n, n] row-major and must be symmetric (only checked loosely). */
export function symmetricEigen(
  a: ArrayLike<number>,
  n: number,
  opts: { vectors?: boolean; maxSweeps?: number } = {},
): SymmetricEigen {
  if (a.length !== n * n) throw new Error(`symmetricEigen: expected ${n * n} entries, got ${a.length}`);
  const wantVectors = opts.vectors ?? true;
  const A = Float64Array.from(a);
  const V = wantVectors ? new Float64Array(n * n) : null;
  if (V) for (let i = 0; i < n; i++) V[i * n + i] = 1;
  let scale = 0;
  for (let i = 0; i < n * n; i++) scale += A[i] * A[i];
  if (scale === 0) return { values: new Float64Array(n), vectors: V };
  for (let sweep = 0; sweep < (opts.maxSweeps ?? 60); sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += A[p * n + q] * A[p * n + q];
    // converged when the off-diagonal mass is at rounding level relative to the whole matrix
    if (off <= 1e-30 * scale) break;
    for (let p = 0; p < n - 1; p++)
      for (let q = p + 1; q < n; q++) {
        const apq = A[p * n + q];
        if (apq === 0) continue;
        const app = A[p * n + p];
        const aqq = A[q * n + q];
        // rotation angle that zeroes a[p][q]: t = tan φ, the smaller root (Numerical Recipes §11.1)
        const theta = (aqq - app) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        // A ← A·P (columns p, q), then A ← Pᵀ·A (rows p, q)
        for (let k = 0; k < n; k++) {
          const akp = A[k * n + p];
          const akq = A[k * n + q];
          A[k * n + p] = c * akp - s * akq;
          A[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = A[p * n + k];
          const aqk = A[q * n + k];
          A[p * n + k] = c * apk - s * aqk;
          A[q * n + k] = s * apk + c * aqk;
        }
        A[p * n + q] = 0;
        A[q * n + p] = 0;
        if (V)
          for (let k = 0; k < n; k++) {
            const vkp = V[k * n + p];
            const vkq = V[k * n + q];
            V[k * n + p] = c * vkp - s * vkq;
            V[k * n + q] = s * vkp + c * vkq;
          }
      }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = A[i * n + i];
  return { values, vectors: V };
}

/** Square root of a symmetric positive semi-definite matrix: V·diag(√max(λ,0))·Vᵀ. [n, n] row-major. */
export function symmetricSqrt(a: ArrayLike<number>, n: number): Float64Array {
  const { values, vectors } = symmetricEigen(a, n);
  const V = vectors as Float64Array;
  const out = new Float64Array(n * n);
  const r = values.map((v) => Math.sqrt(Math.max(v, 0)));
  for (let i = 0; i < n; i++)
    for (let j = i; j < n; j++) {
      let acc = 0;
      for (let k = 0; k < n; k++) acc += V[i * n + k] * r[k] * V[j * n + k];
      out[i * n + j] = acc;
      out[j * n + i] = acc;
    }
  return out;
}
