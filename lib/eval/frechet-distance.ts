/**
 * Fréchet distance between Gaussian fits of two feature sets (the formula of FID, Heusel et al. 2017):
 *   d² = |μ₁ − μ₂|² + Tr(Σ₁) + Tr(Σ₂) − 2·Tr((Σ₁^½ Σ₂ Σ₁^½)^½)
 * The last trace is Σᵢ √λᵢ of the symmetric PSD matrix Σ₁^½ Σ₂ Σ₁^½, so only symmetric eigen-problems are solved.
 */
import { symmetricEigen, symmetricSqrt } from "./symmetric-eigen";

export interface GaussianFit {
  dim: number;
  count: number;
  /** [dim] */
  mean: Float64Array;
  /** [dim, dim] row-major, unbiased (n − 1), as numpy.cov and pytorch-fid */
  cov: Float64Array;
}

/** features: [n, dim] row-major */
export function gaussianFit(features: ArrayLike<number>, dim: number): GaussianFit {
  const n = features.length / dim;
  if (!Number.isInteger(n) || n < 2)
    throw new Error(`gaussianFit: need at least 2 rows of ${dim} features, got ${features.length} values`);
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) mean[j] += features[i * dim + j];
  for (let j = 0; j < dim; j++) mean[j] /= n;
  const cov = new Float64Array(dim * dim);
  const row = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dim; j++) row[j] = features[i * dim + j] - mean[j];
    for (let a = 0; a < dim; a++) {
      const ra = row[a];
      if (ra === 0) continue;
      for (let b = a; b < dim; b++) cov[a * dim + b] += ra * row[b];
    }
  }
  for (let a = 0; a < dim; a++)
    for (let b = a; b < dim; b++) {
      const v = cov[a * dim + b] / (n - 1);
      cov[a * dim + b] = v;
      cov[b * dim + a] = v;
    }
  return { dim, count: n, mean, cov };
}

/** d² between two Gaussian fits (≥ 0; tiny negative rounding is clamped to 0). */
export function frechetDistance(a: GaussianFit, b: GaussianFit): number {
  if (a.dim !== b.dim) throw new Error(`frechetDistance: dims differ (${a.dim} vs ${b.dim})`);
  const n = a.dim;
  let meanTerm = 0;
  let trace = 0;
  for (let i = 0; i < n; i++) {
    meanTerm += (a.mean[i] - b.mean[i]) ** 2;
    trace += a.cov[i * n + i] + b.cov[i * n + i];
  }
  const r = symmetricSqrt(a.cov, n); // Σ₁^½
  const m = multiply(multiply(r, b.cov, n), r, n); // Σ₁^½ Σ₂ Σ₁^½
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const v = (m[i * n + j] + m[j * n + i]) / 2; // symmetrise away rounding
      m[i * n + j] = v;
      m[j * n + i] = v;
    }
  const { values } = symmetricEigen(m, n, { vectors: false });
  let sqrtTrace = 0;
  for (const v of values) sqrtTrace += Math.sqrt(Math.max(v, 0));
  return Math.max(0, meanTerm + trace - 2 * sqrtTrace);
}

/** [n, n] · [n, n], row-major float64 */
function multiply(x: Float64Array, y: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < n; k++) {
      const xik = x[i * n + k];
      if (xik === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j] += xik * y[k * n + j];
    }
  return out;
}
