/**
 * One discriminator step and one generator step, each a separate function returning named losses
 * (lightweight-gan style). Everything runs under tf.tidy / variableGrads and frees its tensors.
 */
import * as tf from "@tensorflow/tfjs";
import {
  discriminatorLoss,
  type GanModel,
  type GanOutput,
  generatorAdvLoss,
  klLoss,
  stopGradient,
} from "../gan";
import type { Adam } from "./adam";
import type { Batch } from "./batcher";
import { type AugUse, diffAugment } from "./diff-augment";

export interface StepInputs {
  images: tf.Tensor4D; // [B,S,S,3] real images in [-1, 1]
  right: tf.Tensor2D; // [B,embDim] matching captions
  wrong: tf.Tensor2D; // [B,embDim] captions of other classes
  z: tf.Tensor2D; // [B,zDim]
  eps: tf.Tensor2D; // [B,cDim]
  /** the batch's augmentation uniforms (read in JS: they pick shifts and cut-outs) */
  aug: Float32Array; // [B, AUG_PER_IMAGE]
}

export function stepInputs(b: Batch, embDim: number, zDim: number, cDim: number): StepInputs {
  return {
    images: tf.tensor4d(b.images, [b.size, b.imageSize, b.imageSize, 3]),
    right: tf.tensor2d(b.right, [b.size, embDim]),
    wrong: tf.tensor2d(b.wrong, [b.size, embDim]),
    z: tf.tensor2d(b.z, [b.size, zDim]),
    eps: tf.tensor2d(b.eps, [b.size, cDim]),
    aug: b.aug,
  };
}

export function disposeInputs(x: StepInputs): void {
  tf.dispose([x.images, x.right, x.wrong, x.z, x.eps]);
}

/** Map tfjs variable names in a grads result back to our parameter names. */
function byOurNames(vars: Map<string, tf.Variable>, grads: tf.NamedTensorMap): Map<string, tf.Tensor> {
  const out = new Map<string, tf.Tensor>();
  for (const [name, v] of vars) {
    const g = grads[v.name];
    if (g) out.set(name, g);
  }
  return out;
}

/** Read scalars and free them. */
function readAll<K extends string>(ts: Record<K, tf.Scalar>): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const k of Object.keys(ts) as K[]) out[k] = ts[k].dataSync()[0];
  tf.dispose(Object.values(ts) as tf.Tensor[]);
  return out;
}

export type DLosses = { d: number; dReal: number; dWrong: number; dFake: number };
/** the D losses of a step whose discriminator is frozen (`train.freezeD`): none */
export type NoDLosses = Record<never, never>;
/** `recon`, `layout`: only in Stage-II runs with their weights > 0; `content`, `anchor`: only in Stage-I runs
 * with train.contentWeight / train.anchorWeight > 0; `edge`: Stage-I with anchors and train.edgeWeight > 0; `modeSeek`: only with train.modeSeekWeight > 0 */
export type GLosses = {
  g: number;
  /** absent when D is frozen and the adversarial weight is 0 (plain regression) */
  gAdv?: number;
  kl: number;
  recon?: number;
  layout?: number;
  content?: number;
  anchor?: number;
  edge?: number;
  modeSeek?: number;
};

/** Gradients by our parameter names plus the named losses of one step (not yet applied). */
export interface StepGrads<L> {
  grads: Map<string, tf.Tensor>;
  losses: L;
}

/**
 * D gradients: fakes from G (training-mode BN; running statistics updated unless `updateStats` is false;
 * no gradient into G), then D loss = real + ½(fake + wrong) on (real, right), (real, wrong), (fake, right).
 */
export function dGrads(model: GanModel, x: StepInputs, updateStats = true): StepGrads<DLosses> {
  if (!model.d) throw new Error("dStep needs a model built withDiscriminator: true");
  const [fake, muRight, muWrong] = tf.tidy(() => {
    const out = model.generate(x.z, x.right, x.eps, { training: true, updateStats });
    return [augmented(model, x, out.image, "fake"), out.mu, wrongMu(model, x)];
  });
  const r = dGradsOn(model, x, fake, muRight, muWrong);
  tf.dispose([fake, muRight, muWrong]);
  return r;
}

/** D is conditioned on the (detached) CA mean of the trained generator, as in StackGAN */
function wrongMu(model: GanModel, x: StepInputs): tf.Tensor2D {
  const ca = model.config.stage === 1 ? model.g1.ca : (model.g2?.ca ?? model.g1.ca);
  return ca.apply(x.wrong, tf.zerosLike(x.eps)).mu;
}

/**
 * Gradients of `loss` (which also returns named scalar parts) with respect to `vars`, by our parameter names,
 * with the parts read out as numbers. Everything else the closure makes is freed.
 */
function gradsOf<L extends string>(
  vars: Map<string, tf.Variable>,
  loss: () => { total: tf.Scalar; parts: Record<L, tf.Scalar> },
): StepGrads<Record<L, number>> {
  // (parts may differ between calls of one loss: the G loss has `recon` only in some Stage-II runs)
  let parts: Record<L, tf.Scalar> | null = null;
  const { value, grads } = tf.variableGrads(() => {
    const l = loss();
    const kept = {} as Record<L, tf.Scalar>;
    for (const k of Object.keys(l.parts) as L[]) kept[k] = tf.keep(l.parts[k].clone());
    parts = kept;
    return l.total;
  }, [...vars.values()]);
  value.dispose();
  return { grads: byOurNames(vars, grads), losses: readAll(parts as unknown as Record<L, tf.Scalar>) };
}

/** `images` as the discriminator sees them: augmented when the run's config asks for it */
function augmented(model: GanModel, x: StepInputs, images: tf.Tensor4D, use: AugUse): tf.Tensor4D {
  return diffAugment(images, x.aug, use, model.config.train.diffAugment ?? []);
}

/** D gradients on given (detached) fakes, as D sees them (augmented when the run asks), and CA means */
function dGradsOn(
  model: GanModel,
  x: StepInputs,
  fakeSeen: tf.Tensor4D,
  muRight: tf.Tensor2D,
  muWrong: tf.Tensor2D,
): StepGrads<DLosses> {
  const D = model.d as NonNullable<GanModel["d"]>;
  const mode = { training: true };
  return gradsOf(model.stores.d?.trainable as Map<string, tf.Variable>, () => {
    const realCode = D.encode(augmented(model, x, x.images, "real"), mode);
    const fakeCode = D.encode(fakeSeen, mode);
    const l = discriminatorLoss({
      realRight: D.head.cond(realCode, muRight, mode),
      realWrong: D.head.cond(realCode, muWrong, mode),
      fakeRight: D.head.cond(fakeCode, muRight, mode),
      realUncond: D.head.uncond(realCode),
      fakeUncond: D.head.uncond(fakeCode),
    });
    return { total: l.d, parts: { d: l.d, dReal: l.dReal, dWrong: l.dWrong, dFake: l.dFake } };
  });
}

/**
 * The mode-seeking term (MSGAN) over row pairs (2k, 2k+1) that share a caption: the mean over pairs of
 * 1 / (mean|image₂ₖ − image₂ₖ₊₁| / mean|z₂ₖ − z₂ₖ₊₁| + 1e-5). Per pair, so data-parallel shards (whole pairs
 * each) average to the same value as one process.
 */
export function modeSeekingLoss(images: tf.Tensor4D, z: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const [b, h, w, c] = images.shape;
    if (b % 2 !== 0) throw new Error(`the mode-seeking term needs rows in pairs, got ${b} rows`);
    const pairGap = (t: tf.Tensor2D) => {
      const p = t.reshape([b / 2, 2, t.shape[1]]);
      const first = p.slice([0, 0, 0], [b / 2, 1, t.shape[1]]);
      const second = p.slice([0, 1, 0], [b / 2, 1, t.shape[1]]);
      return tf.mean(tf.abs(first.sub(second)), [1, 2]) as tf.Tensor1D;
    };
    const ratio = pairGap(images.reshape([b, h * w * c])).div(pairGap(z));
    return tf.mean(tf.div(1, ratio.add(1e-5))) as tf.Scalar;
  });
}

/** mean |avgPool(a, pool) − avgPool(b, pool)| (pool 1: plain L1); b carries no gradient */
export function contentLoss(a: tf.Tensor4D, b: tf.Tensor4D, pool: number): tf.Scalar {
  return tf.tidy(() => {
    const p = (t: tf.Tensor4D) => (pool > 1 ? tf.avgPool(t, pool, pool, "valid") : t);
    return tf.mean(tf.abs(p(a).sub(stopGradient(p(b))))) as tf.Scalar;
  });
}

/**
 * Mean full-resolution |image − real| over the anchor rows: those drawn with zero noise (their ε row is all zero,
 * see the batcher's `anchorEvery`); 0 when the batch has none. `real` carries no gradient.
 */
export function anchorLoss(image: tf.Tensor4D, real: tf.Tensor4D, eps: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => meanOverAnchorRows(tf.mean(tf.abs(image.sub(stopGradient(real))), [1, 2, 3]), eps));
}

/**
 * Mean |∂image − ∂real| over the anchor rows (as anchorLoss), where ∂ is the difference of neighbouring pixels,
 * across and down (both directions' terms averaged): a missing edge costs the same wherever it sits, and flat
 * colour costs nothing. `real` carries no gradient.
 */
export function edgeLoss(image: tf.Tensor4D, real: tf.Tensor4D, eps: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const [n, h, w, c] = image.shape;
    const diffs = (t: tf.Tensor4D) => [
      tf.slice(t, [0, 0, 1, 0], [n, h, w - 1, c]).sub(tf.slice(t, [0, 0, 0, 0], [n, h, w - 1, c])),
      tf.slice(t, [0, 1, 0, 0], [n, h - 1, w, c]).sub(tf.slice(t, [0, 0, 0, 0], [n, h - 1, w, c])),
    ];
    const target = diffs(stopGradient(real) as tf.Tensor4D);
    const perRow = diffs(image)
      .map((d, i) => tf.mean(tf.abs(d.sub(target[i])), [1, 2, 3]))
      .reduce((a, b) => a.add(b))
      .div(2);
    return meanOverAnchorRows(perRow, eps);
  });
}

/** The mean of per-row values over the anchor rows (those whose ε row is all zero); 0 when there are none. */
function meanOverAnchorRows(perRow: tf.Tensor, eps: tf.Tensor2D): tf.Scalar {
  const mask = tf.sum(tf.abs(eps), 1).equal(0).toFloat();
  return perRow.mul(mask).sum().div(mask.sum().maximum(1)) as tf.Scalar;
}

/**
 * G loss of one forward pass: advWeight · (fool D on both logits; not evaluated when advWeight is 0 and D is
 * frozen), plus klWeight · KL of the conditioning augmentation,
 * plus (Stage-II with reconWeight > 0) reconWeight · L1 between the real images and G2's rebuild of their 64 px copy,
 * plus (Stage-II with layoutWeight > 0) layoutWeight · L1 between G2's image pooled to 64 px and its Stage-I image,
 * plus (Stage-I with contentWeight > 0) contentWeight · L1 between G1's image and the caption's real image, both
 * average-pooled by contentPool,
 * plus (Stage-I with anchorWeight > 0) anchorWeight · the anchor rows' full-resolution L1 to their real images,
 * plus (Stage-I with anchors and edgeWeight > 0) edgeWeight · the anchor rows' L1 on image gradients (edgeLoss),
 * plus (modeSeekWeight > 0) modeSeekWeight · the mode-seeking term over the batch's row pairs.
 */
function gLossOf(
  model: GanModel,
  out: GanOutput,
  x: StepInputs,
  seen?: tf.Tensor4D,
): { total: tf.Scalar; parts: Record<string, tf.Scalar> } {
  const mode = { training: true };
  const kl = klLoss(out.mu, out.logvar);
  let g = kl.mul(model.config.train.klWeight) as tf.Scalar;
  const parts: Record<string, tf.Scalar> = { kl };
  const advWeight = model.config.train.advWeight ?? 1;
  if (!(model.config.train.freezeD && advWeight === 0)) {
    const D = model.d as NonNullable<GanModel["d"]>;
    // `seen`: out.image as D sees it, with the same augmentation the D step gave these fakes
    const code = D.encode(seen ?? augmented(model, x, out.image, "fake"), mode);
    parts.gAdv = generatorAdvLoss(D.head.cond(code, stopGradient(out.mu), mode), D.head.uncond(code));
    g = g.add(parts.gAdv.mul(advWeight)) as tf.Scalar;
  }
  const w = model.config.train.reconWeight ?? 0;
  if (model.g2 && w > 0) {
    const small = tf.avgPool(x.images, 4, 4, "valid");
    const rebuilt = model.g2.apply(small, x.right, x.eps, mode).image;
    parts.recon = tf.mean(tf.abs(rebuilt.sub(x.images))) as tf.Scalar;
    g = g.add(parts.recon.mul(w)) as tf.Scalar;
  }
  const lw = model.config.train.layoutWeight ?? 0;
  if (model.g2 && lw > 0) {
    const pooled = tf.avgPool(out.image, 4, 4, "valid");
    parts.layout = tf.mean(tf.abs(pooled.sub(stopGradient(out.stage1Image)))) as tf.Scalar;
    g = g.add(parts.layout.mul(lw)) as tf.Scalar;
  }
  const cw = model.config.train.contentWeight ?? 0;
  if (!model.g2 && cw > 0) {
    parts.content = contentLoss(out.image, x.images, model.config.train.contentPool ?? 2);
    g = g.add(parts.content.mul(cw)) as tf.Scalar;
  }
  const aw = model.config.train.anchorWeight ?? 0;
  if (!model.g2 && aw > 0) {
    parts.anchor = anchorLoss(out.image, x.images, x.eps);
    g = g.add(parts.anchor.mul(aw)) as tf.Scalar;
    const ew = model.config.train.edgeWeight ?? 0;
    if (ew > 0) {
      parts.edge = edgeLoss(out.image, x.images, x.eps);
      g = g.add(parts.edge.mul(ew)) as tf.Scalar;
    }
  }
  const ms = model.config.train.modeSeekWeight ?? 0;
  if (ms > 0) {
    parts.modeSeek = modeSeekingLoss(out.image, x.z);
    g = g.add(parts.modeSeek.mul(ms)) as tf.Scalar;
  }
  return { total: g, parts: { g, ...parts } };
}

/** G gradients: fool D on both logits, plus klWeight · KL of the conditioning augmentation. */
export function gGrads(model: GanModel, x: StepInputs): StepGrads<GLosses> {
  if (!model.d) throw new Error("gStep needs a model built withDiscriminator: true");
  return gradsOf(model.trainedG.trainable, () =>
    gLossOf(model, model.generate(x.z, x.right, x.eps, { training: true }), x),
  ) as StepGrads<GLosses>;
}

/** Apply gradients with `opt`, free them, and return the step's losses. */
export function applyAndFree<L>(opt: Adam, g: StepGrads<L>): L {
  opt.apply(g.grads);
  tf.dispose([...g.grads.values()]);
  return g.losses;
}

/** One D update; returns its named losses. */
export function dStep(model: GanModel, optD: Adam, x: StepInputs): DLosses {
  return applyAndFree(optD, dGrads(model, x));
}

/** One G update; returns its named losses. */
export function gStep(model: GanModel, optG: Adam, x: StepInputs): GLosses {
  return applyAndFree(optG, gGrads(model, x));
}

/**
 * The D step then the G gradients with ONE generator forward pass instead of two: the D update does not
 * touch G, so both see the same fakes (same weights, inputs and batch statistics). tfjs records a tape only
 * inside variableGrads' closure, so the D gradients (on fakes detached by stopGradient) and `updateD` run
 * inside the G closure; the G backward pass then follows only the paths from G's weights to the G loss.
 * `updateD` receives this shard's D gradients (and owns them) and must leave D updated before it returns:
 * in one process it applies them; in data parallel it averages them over shards first (main thread) or
 * hands them over and loads the averaged update (workers), which is why it may block. The price: the D
 * step's saved activations live until the G backward pass ends.
 */
export function dgGrads(
  model: GanModel,
  x: StepInputs,
  updateD: (g: StepGrads<DLosses>) => DLosses,
  updateStats = true,
): { d: DLosses | NoDLosses; g: StepGrads<GLosses> } {
  if (!model.d) throw new Error("dgStep needs a model built withDiscriminator: true");
  let d: DLosses | null = null;
  const g = gradsOf(model.trainedG.trainable, () => {
    const out = model.generate(x.z, x.right, x.eps, { training: true, updateStats });
    // a frozen D is neither evaluated nor updated (`train.freezeD`): no D losses, `updateD` is not called
    if (model.config.train.freezeD) return gLossOf(model, out, x);
    // augmented once: D's step reads it detached, G's loss through it
    const seen = augmented(model, x, out.image, "fake");
    d = updateD(
      dGradsOn(model, x, stopGradient(seen), stopGradient(out.mu), stopGradient(wrongMu(model, x))),
    );
    return gLossOf(model, out, x, seen);
  }) as StepGrads<GLosses>;
  return { d: d ?? {}, g };
}

/**
 * dStep then gStep with one generator forward pass (see dgGrads); running statistics move once. Honours
 * `train.freezeD` (no D update, no D losses); the separate dStep does not.
 */
export function dgStep(
  model: GanModel,
  optD: Adam,
  optG: Adam,
  x: StepInputs,
): (DLosses | NoDLosses) & GLosses {
  const r = dgGrads(model, x, (g) => applyAndFree(optD, g));
  return { ...r.d, ...applyAndFree(optG, r.g) };
}

/**
 * "Precise BN": replace the generator's running statistics by the exact average of batch statistics over
 * `batches` for the current weights, so inference (which uses running statistics) matches training.
 * Run before every sample grid and checkpoint; training itself only uses batch statistics.
 */
export function recalibrateBatchNorm(model: GanModel, batches: StepInputs[]): void {
  batches.forEach((x, k) => {
    tf.tidy(() => {
      model.generate(x.z, x.right, x.eps, { training: true, updateStats: true, momentum: 1 / (k + 1) });
    });
  });
}
