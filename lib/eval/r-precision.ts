/**
 * R-precision as in AttnGAN (Xu et al. 2018): each image is ranked against its true caption and `k` (99)
 * mismatched captions of other classes by cosine similarity in the evaluation embedding space; the score is
 * the top-1 hit rate (R = 1 relevant caption). Chance is 1/(k+1).
 */
import { Rng } from "../random";

/** One ranking: image row `image` against caption rows `candidates`, of which candidates[0] is the true one. */
export interface RPrecisionTrial {
  image: number;
  candidates: number[];
}

export interface RPrecisionResult {
  /** mean top-1 hit rate in [0, 1] */
  rPrecision: number;
  /** 1/(k+1): what a matcher that ignores the image gets */
  chance: number;
  trials: number;
}

/**
 * For item i (true caption row `captionRows[i]`, class `classes[i]`) draw `k` mismatched caption rows from `pool`
 * whose class differs (with replacement when the pool is small, as it may be for a tiny split).
 */
export function makeRPrecisionTrials(
  captionRows: number[],
  classes: string[],
  pool: { rows: number[]; classes: string[] },
  opts: { k?: number; seed?: number } = {},
): RPrecisionTrial[] {
  const k = opts.k ?? 99;
  const rng = new Rng(opts.seed ?? 0).fork("r-precision");
  return captionRows.map((row, i) => {
    const others: number[] = [];
    for (let j = 0; j < pool.rows.length; j++) if (pool.classes[j] !== classes[i]) others.push(pool.rows[j]);
    if (others.length === 0)
      throw new Error(`R-precision: no caption of a class other than "${classes[i]}" to mismatch with`);
    const candidates = [row];
    if (others.length >= k) {
      // k distinct draws: a partial Fisher–Yates shuffle
      for (let j = 0; j < k; j++) {
        const pick = j + rng.int(others.length - j);
        [others[j], others[pick]] = [others[pick], others[j]];
        candidates.push(others[j]);
      }
    } else for (let j = 0; j < k; j++) candidates.push(others[rng.int(others.length)]);
    return { image: i, candidates };
  });
}

/**
 * imageEmb: [nImages, dim], textEmb: [nCaptions, dim] (any scale: cosine similarity is used).
 * A tie between the true caption and m mismatched ones counts 1/(m+1) of a hit (the expectation of a random tie-break).
 */
export function rPrecision(
  imageEmb: ArrayLike<number>,
  textEmb: ArrayLike<number>,
  dim: number,
  trials: RPrecisionTrial[],
): RPrecisionResult {
  if (trials.length === 0) throw new Error("R-precision: no trials");
  const img = normaliseRows(imageEmb, dim);
  const txt = normaliseRows(textEmb, dim);
  let hits = 0;
  for (const t of trials) {
    const score = (row: number) => {
      let acc = 0;
      for (let d = 0; d < dim; d++) acc += img[t.image * dim + d] * txt[row * dim + d];
      return acc;
    };
    const truth = score(t.candidates[0]);
    let beaten = false;
    let ties = 0;
    for (let j = 1; j < t.candidates.length && !beaten; j++) {
      const s = score(t.candidates[j]);
      if (s > truth) beaten = true;
      else if (s === truth) ties++;
    }
    if (!beaten) hits += 1 / (ties + 1);
  }
  return { rPrecision: hits / trials.length, chance: 1 / trials[0].candidates.length, trials: trials.length };
}

/** Rows scaled to unit length (zero rows stay zero). */
export function normaliseRows(x: ArrayLike<number>, dim: number): Float64Array {
  const out = Float64Array.from(x);
  for (let i = 0; i < out.length / dim; i++) {
    let n = 0;
    for (let d = 0; d < dim; d++) n += out[i * dim + d] ** 2;
    const inv = n > 0 ? 1 / Math.sqrt(n) : 0;
    for (let d = 0; d < dim; d++) out[i * dim + d] *= inv;
  }
  return out;
}
