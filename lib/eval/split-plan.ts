/**
 * Which records of a split are evaluated, with which caption, against which real images: a deterministic plan
 * from a seed, shared by the real-image ceiling, the generated images and the shuffled-caption floor.
 * The split's records are shuffled and cut in two disjoint parts: `items` (captions to generate from; their
 * real images are the ceiling) and `reference` (real images the Fréchet distance is measured against), so the
 * real-image Fréchet distance is between two different samples of the split, not a set against itself.
 * With `captionsPerImage` K > 1 each item image is scored with K of its captions (distinct while it has that many):
 * K times the R-precision trials on the same images, for less noise. Items then run round by round (every image's
 * first caption, then every image's second, ...), so neighbouring items are different images.
 * Besides the AttnGAN trials (99 captions of random other classes, which colour and kind mostly settle) the plan
 * holds near-class trials: the true caption against one caption of each of the NEAR_CLASSES classes of the split
 * nearest to its class in meaning ("cat face" against "tiger face", "dog face", "grinning cat"...), which only the
 * object's shape tells apart.
 */
import { type LoadedDataset, nearestClassRecords, type Split, splitRecordIndices } from "../data";
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
  /**
   * caption rows of the reference images for the image–text Fréchet distance: captionsPerImage per image, chosen as
   * the items' are (a random order of the image's captions, cycled), image i's at [i·K, (i+1)·K)
   */
  referenceCaptionRows: number[];
  /** R-precision trials over caption rows: trial i ranks image i against items[i].captionRow and k mismatched */
  trials: RPrecisionTrial[];
  /**
   * near-class trials: trial i ranks image i against items[i].captionRow and one caption of each of the split's
   * classes nearest to its class (min(NEAR_CLASSES, classes − 1) of them); empty when the split has one class
   */
  nearTrials: RPrecisionTrial[];
  /** floor: image shuffle[i] is scored with trial i (a permutation with a different class wherever possible) */
  shuffle: number[];
}

/** how many nearest classes a caption is ranked against in the near-class R-precision */
export const NEAR_CLASSES = 16;

// neighbour lists depend on the dataset and split only, not on the seed: computed once per (dataset, split), from the
// split's records in dataset order, so a plan never depends on the plans made before it
const nearCache = new WeakMap<LoadedDataset, Map<Split, Map<string, number[][]>>>();

function nearestInSplit(ds: LoadedDataset, split: Split): Map<string, number[][]> {
  let bySplit = nearCache.get(ds);
  if (!bySplit) {
    bySplit = new Map();
    nearCache.set(ds, bySplit);
  }
  let near = bySplit.get(split);
  if (!near) {
    near = nearestClassRecords(ds, splitRecordIndices(ds.records, split), NEAR_CLASSES);
    bySplit.set(split, near);
  }
  return near;
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
  // its own random stream, so the items, trials and shuffle stay those of plans made before it
  const refRng = new Rng(seed).fork(`reference-captions-${split}`);
  const referenceCaptionRows = recs.slice(nItems).flatMap(({ r }) => {
    const o = Array.from({ length: r.captions.length }, (_, c) => c);
    shuffleInPlace(o, refRng);
    return Array.from({ length: perImage }, (_, k) => r.embeddingOffset + o[k % o.length]);
  });
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
  // its own random stream, so the random-class trials, shuffle and items stay those of plans made before it
  const nearRng = new Rng(seed).fork(`near-${split}`);
  const near = nearestInSplit(ds, split);
  const nearTrials: RPrecisionTrial[] = [];
  items.forEach((it, image) => {
    const lists = near.get(it.cls) ?? [];
    if (lists.length === 0) return;
    const candidates = [it.captionRow];
    for (const recsOfClass of lists) {
      const r = ds.records[recsOfClass[nearRng.int(recsOfClass.length)]];
      candidates.push(r.embeddingOffset + nearRng.int(r.captions.length));
    }
    nearTrials.push({ image, candidates });
  });
  return {
    split,
    items,
    captionsPerImage: perImage,
    reference,
    referenceCaptionRows,
    trials,
    nearTrials,
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
