/**
 * The numbers for one split: R-precision, Fréchet distance on the eval encoder's features, the Inception-like
 * score and (for classes the classifier knows) class accuracy, for real images (ceiling), generated images,
 * and the shuffled-caption floor.
 */
import type { LoadedDataset } from "../data";
import { type EncodedImages, encodeImages, encodeTexts } from "./encode";
import type { EvalNets } from "./eval-nets";
import { frechetDistance, type GaussianFit, gaussianFit } from "./frechet-distance";
import { inceptionScore, softmaxRows } from "./inception-score";
import { type JointPair, jointFit } from "./joint-frechet";
import { type RPrecisionTrial, rPrecision } from "./r-precision";
import { seedDiversity } from "./seed-diversity";
import type { SplitPlan } from "./split-plan";

const PX = 64 * 64 * 3;

export interface ConditionMetrics {
  count: number;
  /** top-1 of the true caption among 1 + k, in [0, 1] */
  rPrecision: number;
  /**
   * top-1 of the true caption against one caption of each of the nearest classes (split-plan.ts); null when the
   * split has one class; absent in metrics recorded before it existed
   */
  rPrecisionNear?: number | null;
  /** against the split's reference real images; null for the floor (same images as "generated") */
  frechet: number | null;
  /**
   * image–text Fréchet distance (joint-frechet.ts) of the (image, caption) pairs against the reference images with
   * their own captions; for the floor, the generated images paired with the shuffled captions; absent in metrics
   * recorded before it existed
   */
  jointFrechet?: number | null;
  /** exp(E KL(p(y|x) ‖ p(y))) over the classifier's train+val classes; null for the floor */
  inceptionLike: number | null;
  /** argmax class = the caption's class; null when the split's classes are unknown to the classifier (test) */
  classAccuracy: number | null;
  /**
   * generated only, when each caption was also generated with a second noise draw: the same-caption distance over
   * the different-caption distance on the eval embeddings (seed-diversity.ts); null otherwise
   */
  seedDiversity?: number | null;
}

export interface SplitMetrics {
  split: string;
  items: number;
  referenceImages: number;
  mismatched: number;
  chance: number;
  /** near-class R-precision: how many near classes' captions each true caption is ranked against, and chance */
  nearClasses?: number;
  nearChance?: number | null;
  /** whether the classifier was trained on this split's classes (false for the class-disjoint test split) */
  classesKnown: boolean;
  real: ConditionMetrics;
  generated: ConditionMetrics | null;
  shuffled: ConditionMetrics | null;
}

export interface SplitContext {
  nets: EvalNets;
  classes: string[];
  dataset: LoadedDataset;
  plan: SplitPlan;
  /** cached reference fits (computed on first use): image features, and (image, caption) pairs */
  referenceFit?: GaussianFit;
  referenceJointFit?: GaussianFit;
}

function gather(images: Uint8Array, records: number[]): Uint8Array {
  const out = new Uint8Array(records.length * PX);
  records.forEach((r, i) => {
    out.set(images.subarray(r * PX, (r + 1) * PX), i * PX);
  });
  return out;
}

interface TrialTexts {
  text: Float32Array;
  trials: RPrecisionTrial[];
  nearTrials: RPrecisionTrial[];
}

/** The dataset's sentence embeddings of these caption rows, [rows, T] in the given order. */
function sentenceRows(ctx: SplitContext, rows: readonly number[]): Float32Array {
  const emb = ctx.dataset.embeddings;
  const T = ctx.dataset.manifest.textEncoder?.dim;
  if (!emb || !T) throw new Error("the dataset has no caption embeddings");
  const out = new Float32Array(rows.length * T);
  rows.forEach((row, j) => {
    out.set(emb.subarray(row * T, (row + 1) * T), j * T);
  });
  return out;
}

/** Text embeddings of every caption row the trials use, with the trials re-indexed into them. */
function trialTexts(ctx: SplitContext): TrialTexts {
  const local = new Map<number, number>();
  for (const t of [...ctx.plan.trials, ...ctx.plan.nearTrials])
    for (const row of t.candidates) if (!local.has(row)) local.set(row, local.size);
  const sentences = sentenceRows(ctx, [...local.keys()]); // local indices are insertion order
  const reindex = (ts: RPrecisionTrial[]) =>
    ts.map((t) => ({ image: t.image, candidates: t.candidates.map((r) => local.get(r) as number) }));
  return {
    text: encodeTexts(ctx.nets, sentences),
    trials: reindex(ctx.plan.trials),
    nearTrials: reindex(ctx.plan.nearTrials),
  };
}

/**
 * The reference real images' fits, once per context: their pooled features, and (image, caption) pairs with as many
 * of each image's own captions as the items have (chosen as the items' are: `referenceCaptionRows`), for the
 * image–text Fréchet distance.
 */
function referenceFits(ctx: SplitContext): void {
  if (ctx.referenceFit && ctx.referenceJointFit) return;
  const images = ctx.dataset.images[64] as Uint8Array;
  const enc = encodeImages(ctx.nets, gather(images, ctx.plan.reference));
  ctx.referenceFit = gaussianFit(enc.features, ctx.nets.featureDim);
  const K = ctx.plan.captionsPerImage;
  const rows = ctx.plan.referenceCaptionRows;
  const pairs: JointPair[] = rows.map((_, j) => ({ image: Math.floor(j / K), text: j }));
  const E = ctx.nets.config.embDim;
  ctx.referenceJointFit = jointFit(enc.embeddings, encodeTexts(ctx.nets, sentenceRows(ctx, rows)), E, pairs);
}

/** `enc`: the condition's images encoded once (the generated row and the shuffled floor share them). */
function conditionMetrics(
  ctx: SplitContext,
  enc: EncodedImages,
  texts: TrialTexts,
  permutation?: number[],
  secondDraw?: Uint8Array,
): ConditionMetrics {
  const E = ctx.nets.config.embDim;
  const diversity = secondDraw
    ? seedDiversity(enc.embeddings, encodeImages(ctx.nets, secondDraw).embeddings, E).ratio
    : null;
  const permute = (ts: RPrecisionTrial[]) =>
    permutation ? ts.map((t) => ({ ...t, image: permutation[t.image] })) : ts;
  const trials = permute(texts.trials);
  const rp = rPrecision(enc.embeddings, texts.text, E, trials).rPrecision;
  const rpNear = texts.nearTrials.length
    ? rPrecision(enc.embeddings, texts.text, E, permute(texts.nearTrials)).rPrecision
    : null;
  referenceFits(ctx);
  // every (image, caption) pair the R-precision trials score: the image beside its caption (the true one, or for the
  // floor the shuffled one)
  const pairs: JointPair[] = trials.map((t) => ({ image: t.image, text: t.candidates[0] }));
  const jointFrechet = frechetDistance(
    jointFit(enc.embeddings, texts.text, E, pairs),
    ctx.referenceJointFit as GaussianFit,
  );
  if (permutation)
    return {
      count: enc.count,
      rPrecision: rp,
      rPrecisionNear: rpNear,
      frechet: null,
      jointFrechet,
      inceptionLike: null,
      classAccuracy: null,
    };
  // the Fréchet distance and Inception-like score see each image once: the first round of items (with several
  // captions per image the real row repeats its images, which would shrink its sample and bias both)
  const first = ctx.plan.items.length / ctx.plan.captionsPerImage;
  const C = ctx.nets.featureDim;
  const frechet = frechetDistance(
    gaussianFit(enc.features.subarray(0, first * C), C),
    ctx.referenceFit as GaussianFit,
  );
  const K = ctx.classes.length;
  const probs = softmaxRows(enc.logits, K);
  const index = new Map(ctx.classes.map((c, i) => [c, i]));
  const known = ctx.plan.items.every((it) => index.has(it.cls));
  let correct = 0;
  ctx.plan.items.forEach((it, i) => {
    let best = 0;
    for (let j = 1; j < K; j++) if (probs[i * K + j] > probs[i * K + best]) best = j;
    if (best === index.get(it.cls)) correct++;
  });
  return {
    count: enc.count,
    rPrecision: rp,
    rPrecisionNear: rpNear,
    frechet,
    jointFrechet,
    inceptionLike: inceptionScore(probs.subarray(0, first * K), K).mean,
    classAccuracy: known ? correct / ctx.plan.items.length : null,
    seedDiversity: diversity,
  };
}

/**
 * Metrics of one split. `generated64` holds one [64, 64, 3] image per plan item (in plan order), generated from
 * items[i].caption; without it only the real-image ceiling is computed. `secondDraw`, the same captions generated
 * with other noise, adds the generated images' seed diversity.
 */
export function evaluateSplit(
  ctx: SplitContext,
  generated64?: Uint8Array,
  secondDraw?: Uint8Array,
): SplitMetrics {
  const { plan } = ctx;
  const images = ctx.dataset.images[64];
  if (!images) throw new Error("the dataset has no 64 px images");
  for (const g of [generated64, secondDraw])
    if (g && g.length !== plan.items.length * PX)
      throw new Error(`expected ${plan.items.length} generated images, got ${g.length / PX}`);
  const texts = trialTexts(ctx);
  const classes = new Set(ctx.classes);
  const real = conditionMetrics(
    ctx,
    encodeImages(
      ctx.nets,
      gather(
        images,
        plan.items.map((it) => it.record),
      ),
    ),
    texts,
  );
  const generated = generated64 ? encodeImages(ctx.nets, generated64) : null;
  return {
    split: plan.split,
    items: plan.items.length,
    referenceImages: plan.reference.length,
    mismatched: plan.trials[0].candidates.length - 1,
    chance: 1 / plan.trials[0].candidates.length,
    nearClasses: (plan.nearTrials[0]?.candidates.length ?? 1) - 1,
    nearChance: plan.nearTrials.length ? 1 / plan.nearTrials[0].candidates.length : null,
    classesKnown: plan.items.every((it) => classes.has(it.cls)),
    real,
    generated: generated ? conditionMetrics(ctx, generated, texts, undefined, secondDraw) : null,
    shuffled: generated ? conditionMetrics(ctx, generated, texts, plan.shuffle) : null,
  };
}
