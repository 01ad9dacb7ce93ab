/**
 * Deterministic batches from a loaded dataset. The order of epoch e is a permutation drawn from
 * (seed, e), so a resumed run needs only the step number to continue the same sequence.
 * Each batch: images in [-1, 1], one random caption embedding per image ("right" text) and one caption
 * of a different class ("wrong" text, for the matching-aware loss; with `hardWrong`, that share of rows takes it from
 * one of the classes nearest in meaning, see hard-negatives.ts), plus z and ε noise. With `pairs` (the
 * mode-seeking term), rows 2k and 2k+1 share their image and caption and differ in noise (and wrong caption).
 * With `anchorEvery` n, rows 0, n, 2n, … have zero z and ε (the reconstruction anchor, see steps.ts).
 */
import { type LoadedDataset, nearestClassRecords, splitRecordIndices } from "../data";
import { type GanConfig, Rng } from "../gan";
import { AUG_PER_IMAGE } from "./diff-augment";
import { HARD_WRONG_NEIGHBOURS } from "./hard-negatives";

export interface Batch {
  size: number;
  imageSize: number;
  images: Float32Array; // [B, S, S, 3] in [-1, 1]
  right: Float32Array; // [B, embDim]
  wrong: Float32Array; // [B, embDim]
  z: Float32Array; // [B, zDim]
  eps: Float32Array; // [B, cDim]
  /** uniforms in [0, 1) for the discriminator's augmentations (diff-augment.ts) */
  aug: Float32Array; // [B, AUG_PER_IMAGE]
}

export class Batcher {
  readonly trainIdx: number[];
  readonly stepsPerEpoch: number;
  readonly embDim: number;
  private permEpoch = -1;
  private perm: Int32Array = new Int32Array(0);
  /** per class: its nearest classes' train records (only with hardWrong) */
  private readonly nearest: Map<string, number[][]> | null = null;

  constructor(
    readonly ds: LoadedDataset,
    readonly opts: {
      batchSize: number;
      imageSize: 64 | 256;
      seed: number;
      zDim: number;
      cDim: number;
      /** rows 2k and 2k+1 share image and caption (an even batch size) */
      pairs?: boolean;
      /** rows 0, n, 2n, … get zero z and ε (the reconstruction anchor; 0 or absent: none) */
      anchorEvery?: number;
      /** share of rows (0..1) whose wrong caption comes from one of the nearest classes */
      hardWrong?: number;
      /** how many nearest classes (default HARD_WRONG_NEIGHBOURS) */
      hardWrongNeighbours?: number;
    },
  ) {
    if (opts.pairs && opts.batchSize % 2 !== 0)
      throw new Error(
        `Paired batches (the mode-seeking term) need an even batch size, not ${opts.batchSize}.`,
      );
    if (!ds.embeddings || !ds.manifest.textEncoder)
      throw new Error(`Dataset ${ds.dir} has no caption embeddings: rebuild it with a text encoder.`);
    if (!ds.images[opts.imageSize]) throw new Error(`Dataset ${ds.dir} has no ${opts.imageSize}px images.`);
    this.embDim = ds.manifest.textEncoder.dim;
    this.trainIdx = splitRecordIndices(ds.records, "train");
    if (this.trainIdx.length === 0) this.trainIdx = ds.records.map((_, i) => i);
    this.stepsPerEpoch = Math.max(1, Math.floor(this.trainIdx.length / this.imagesPerBatch));
    const hard = opts.hardWrong ?? 0;
    if (!(hard >= 0 && hard <= 1)) throw new Error(`hardWrong is a share of rows in [0, 1], not ${hard}.`);
    if (hard > 0)
      this.nearest = nearestClassRecords(
        ds,
        this.trainIdx,
        opts.hardWrongNeighbours ?? HARD_WRONG_NEIGHBOURS,
      );
  }

  /** distinct images per batch: half the rows with pairs */
  get imagesPerBatch(): number {
    return this.opts.pairs ? this.opts.batchSize / 2 : this.opts.batchSize;
  }

  epochOf(step: number): number {
    return Math.floor(step / this.stepsPerEpoch);
  }

  /** the batch used at `step` (0-based): a pure function of (seed, step) */
  batch(step: number): Batch {
    const { batchSize: b, imageSize: s, seed, zDim, cDim } = this.opts;
    const epoch = this.epochOf(step);
    if (epoch !== this.permEpoch) {
      this.perm = new Rng(seed).fork(`epoch-${epoch}`).permutation(this.trainIdx.length);
      this.permEpoch = epoch;
    }
    const rng = new Rng(seed).fork(`step-${step}`);
    const within = step % this.stepsPerEpoch;
    const px = s * s * 3;
    const src = this.ds.images[s] as Uint8Array;
    const emb = this.ds.embeddings as Float32Array;
    const d = this.embDim;
    const images = new Float32Array(b * px);
    const right = new Float32Array(b * d);
    const wrong = new Float32Array(b * d);
    const n = this.trainIdx.length;
    const per = this.imagesPerBatch;
    const pairs = !!this.opts.pairs;
    let cap = 0;
    for (let i = 0; i < b; i++) {
      const u = pairs ? i >> 1 : i;
      const idx = this.trainIdx[this.perm[(within * per + u) % n]];
      const rec = this.ds.records[idx];
      for (let k = 0; k < px; k++) images[i * px + k] = src[idx * px + k] / 127.5 - 1;
      // the second row of a pair repeats the first one's caption
      if (!pairs || i % 2 === 0) cap = rec.embeddingOffset + rng.int(rec.captions.length);
      right.set(emb.subarray(cap * d, (cap + 1) * d), i * d);
      // a caption of another class (falls back to any other record when there is one class only); with
      // hardWrong, of a class near in meaning (draws only made when it is on, so other runs' batches stay as they were)
      let other = this.trainIdx[rng.int(n)];
      for (let t = 0; t < 20 && this.ds.records[other].class === rec.class; t++)
        other = this.trainIdx[rng.int(n)];
      const near = this.nearest?.get(rec.class);
      if (near?.length && rng.next() < (this.opts.hardWrong ?? 0)) {
        const cls = near[rng.int(near.length)];
        other = cls[rng.int(cls.length)];
      }
      const o = this.ds.records[other];
      const wcap = o.embeddingOffset + rng.int(o.captions.length);
      wrong.set(emb.subarray(wcap * d, (wcap + 1) * d), i * d);
    }
    const z = rng.normals(b * zDim);
    const eps = rng.normals(b * cDim);
    // drawn after z and ε, so those are what they were before augmentations existed
    const aug = Float32Array.from({ length: b * AUG_PER_IMAGE }, () => rng.next());
    // zeroed after every draw, so the other rows' noise is what it would be without anchors
    const every = this.opts.anchorEvery ?? 0;
    for (let i = 0; every > 0 && i < b; i += every) {
      z.fill(0, i * zDim, (i + 1) * zDim);
      eps.fill(0, i * cDim, (i + 1) * cDim);
    }
    return { size: b, imageSize: s, images, right, wrong, z, eps, aug };
  }
}

/** The batcher of a run: its config's batch size, seed, noise sizes and pairing. */
export function batcherFor(ds: LoadedDataset, config: GanConfig, imageSize: 64 | 256): Batcher {
  return new Batcher(ds, {
    batchSize: config.train.batchSize,
    imageSize,
    seed: config.train.seed,
    zDim: config.zDim,
    cDim: config.cDim,
    pairs: (config.train.modeSeekWeight ?? 0) > 0,
    anchorEvery:
      config.stage === 1 && (config.train.anchorWeight ?? 0) > 0 ? (config.train.anchorEvery ?? 0) : 0,
    hardWrong: config.train.hardWrong ?? 0,
  });
}
