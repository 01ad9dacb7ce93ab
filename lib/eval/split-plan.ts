/**
 * Which records of a split are evaluated, with which caption, against which real images: a deterministic plan
 * from a seed, shared by the real-image ceiling, the generated images and the shuffled-caption floor.
 * The split's records are shuffled and cut in two disjoint parts: `items` (captions to generate from; their
 * real images are the ceiling) and `reference` (real images the Fréchet distance is measured against), so the
 * real-image Fréchet distance is between two different samples of the split, not a set against itself.
 * With `captionsPerImage` K > 1 each item image is scored with K of its captions (distinct while it has that many):
 * K times the R-precision trials on the same images, for less noise. Items then run round by round (every image's
 * first caption, then every image's second, ...), so neighbouring items are different images.
 */
import type { LoadedDataset, Split } from "../data";
import { Rng } from "../random";
import { makeRPrecisionTrials, type RPrecisionTrial } from "./r-precision";

export interface PlanItem {
  /** record index in the dataset */
  record: number;
  /** row of the chosen caption in embeddings.f32 */
  captionRow: number;
  caption: string;
  cls: string;
}

export interface SplitPlan {
  split: Split;
  items: PlanItem[];
  /** captions per item image: items[0 .. items.length / captionsPerImage) are the first round, one per image */
  captionsPerImage: number;
  /** record indices of the Fréchet reference set (disjoint from items) */
  reference: number[];
  /** R-precision trials over caption rows: trial i ranks image i against items[i].captionRow and k mismatched */
  trials: RPrecisionTrial[];
  /** floor: image shuffle[i] is scored with trial i (a permutation with a different class wherever possible) */
  shuffle: number[];
}

export function planSplit(
  ds: LoadedDataset,
  split: Split,
  opts: { n?: number; seed?: number; k?: number; captionsPerImage?: number } = {},
): SplitPlan {
  const perImage = opts.captionsPerImage ?? 1;
  if (!Number.isInteger(perImage) || perImage < 1)
    throw new Error(`captionsPerImage must be a whole number ≥ 1, not ${perImage}`);
  const seed = opts.seed ?? 0;
  const rng = new Rng(seed).fork(`plan-${split}`);
  const recs = ds.records.map((r, i) => ({ r, i })).filter(({ r }) => r.split === split);
  if (recs.length < 4)
    throw new Error(`Split "${split}" has ${recs.length} records: at least 4 are needed to evaluate`);
  shuffleInPlace(recs, rng);
  const nItems = Math.min(opts.n ?? 500, Math.floor(recs.length / 2));
  const item = (r: (typeof recs)[number]["r"], i: number, c: number): PlanItem => ({
    record: i,
    captionRow: r.embeddingOffset + c,
    caption: r.captions[c],
    cls: r.class,
  });
  let items: PlanItem[];
  if (perImage === 1) items = recs.slice(0, nItems).map(({ r, i }) => item(r, i, rng.int(r.captions.length)));
  else {
    // per image: its captions in a random order, cycled when it has fewer than K
    const orders = recs.slice(0, nItems).map(({ r }) => {
      const o = Array.from({ length: r.captions.length }, (_, c) => c);
      shuffleInPlace(o, rng);
      return o;
    });
    items = [];
    for (let round = 0; round < perImage; round++)
      recs.slice(0, nItems).forEach(({ r, i }, j) => {
        items.push(item(r, i, orders[j][round % orders[j].length]));
      });
  }
  const reference = recs.slice(nItems).map(({ i }) => i);
  // mismatched captions come from every caption of the split's records of other classes
  const pool = { rows: [] as number[], classes: [] as string[] };
  for (const { r } of recs)
    for (let c = 0; c < r.captions.length; c++) {
      pool.rows.push(r.embeddingOffset + c);
      pool.classes.push(r.class);
    }
  const trials = makeRPrecisionTrials(
    items.map((it) => it.captionRow),
    items.map((it) => it.cls),
    pool,
    { k: opts.k ?? 99, seed },
  );
  return {
    split,
    items,
    captionsPerImage: perImage,
    reference,
    trials,
    shuffle: classAvoidingPermutation(
      items.map((it) => it.cls),
      rng,
    ),
  };
}

/** A random permutation π with cls[π(i)] ≠ cls[i] wherever a swap can give it. */
export function classAvoidingPermutation(cls: string[], rng: Rng): number[] {
  const n = cls.length;
  const p = Array.from({ length: n }, (_, i) => i);
  shuffleInPlace(p, rng);
  for (let pass = 0; pass < 3; pass++)
    for (let i = 0; i < n; i++) {
      if (cls[p[i]] !== cls[i]) continue;
      for (let tries = 0; tries < 50; tries++) {
        const j = rng.int(n);
        if (cls[p[j]] !== cls[i] && cls[p[i]] !== cls[j]) {
          [p[i], p[j]] = [p[j], p[i]];
          break;
        }
      }
    }
  return p;
}

function shuffleInPlace<T>(a: T[], rng: Rng): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
}
