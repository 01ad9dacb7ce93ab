/**
 * Seed diversity: how much a generator's picture changes with its noise for a fixed caption, relative to how much
 * it changes between captions. Each caption is generated twice (two noise draws); on the eval encoder's image
 * embeddings,
 *   sameCaption      = mean cosine distance between the two images of a caption,
 *   differentCaption = mean cosine distance between images of neighbouring captions (first draw),
 *   ratio            = sameCaption / differentCaption.
 * 0 means the noise is ignored (every seed gives the same picture, the mode collapse MSGAN targets); 1 means a new
 * seed changes the picture as much as a new caption does. The ratio is scale-free, so it compares across eval-net
 * versions better than the raw distances, but still only between models scored by the same nets.
 */
import { normaliseRows } from "./r-precision";

export interface SeedDiversity {
  sameCaption: number;
  differentCaption: number;
  ratio: number;
}

/** 1 − cosine similarity of row i of `a` and row j of `b` (rows already unit length) */
function cosineDistance(a: Float64Array, i: number, b: Float64Array, j: number, d: number): number {
  let dot = 0;
  for (let k = 0; k < d; k++) dot += a[i * d + k] * b[j * d + k];
  return 1 - dot;
}

/** `first` and `second`: [n, d] embeddings of the same n captions under two noise draws (n ≥ 2). */
export function seedDiversity(first: Float32Array, second: Float32Array, d: number): SeedDiversity {
  const n = first.length / d;
  if (!Number.isInteger(n) || n < 2 || second.length !== first.length)
    throw new Error(`seedDiversity needs two [n, ${d}] embedding sets of the same n ≥ 2`);
  const a = normaliseRows(first, d);
  const b = normaliseRows(second, d);
  let same = 0;
  let diff = 0;
  for (let i = 0; i < n; i++) {
    same += cosineDistance(a, i, b, i, d);
    diff += cosineDistance(a, i, a, (i + 1) % n, d);
  }
  same /= n;
  diff /= n;
  return { sameCaption: same, differentCaption: diff, ratio: diff > 0 ? same / diff : 0 };
}
