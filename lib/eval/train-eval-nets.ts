/**
 * Training the evaluation networks on a dataset's train split: the DAMSM sentence matching loss between the image
 * embedding and the projected caption embedding (one random caption of the image per step), plus the class
 * cross-entropy of the classifier head. Classes are those of the train + val splits (val shares train's classes).
 */
import * as tf from "@tensorflow/tfjs";
import type { LoadedDataset } from "../data";
import { Rng } from "../random";
import { imageBatch } from "./encode";
import type { EvalNetConfig } from "./eval-net-config";
import { EvalNets } from "./eval-nets";
import { classLoss, sameClassMask, sentenceMatchingLoss } from "./matching-loss";

export interface EvalNetLogEntry {
  step: number;
  epoch: number;
  loss: number;
  matchLoss: number;
  classLoss: number;
  elapsedSec: number;
}

export interface TrainEvalNetsOptions {
  dataset: LoadedDataset;
  config: EvalNetConfig;
  /** stop early after this many steps (tests) */
  maxSteps?: number;
  logEvery?: number;
  onLog?: (e: EvalNetLogEntry) => void;
  signal?: AbortSignal;
}

export interface TrainedEvalNets {
  nets: EvalNets;
  /** class names, index = classifier output */
  classes: string[];
  log: EvalNetLogEntry[];
  steps: number;
  seconds: number;
}

/** Sorted classes of the train and val splits: the classifier's outputs. */
export function classifierClasses(ds: LoadedDataset): string[] {
  return [...new Set(ds.records.filter((r) => r.split !== "test").map((r) => r.class))].sort();
}

export async function trainEvalNets(opts: TrainEvalNetsOptions): Promise<TrainedEvalNets> {
  const { dataset: ds, config } = opts;
  const images = ds.images[64];
  const emb = ds.embeddings;
  const dim = ds.manifest.textEncoder?.dim;
  if (!images) throw new Error(`Dataset ${ds.dir} has no 64 px images: eval networks train on them.`);
  if (!emb || !dim)
    throw new Error(`Dataset ${ds.dir} has no caption embeddings: run the dataset's embed step.`);
  if (dim !== config.textDim)
    throw new Error(
      `Dataset embeddings are ${dim}-d but the eval-net config says textDim ${config.textDim}.`,
    );
  const classes = classifierClasses(ds);
  const classIndex = new Map(classes.map((c, i) => [c, i]));
  const train = ds.records.map((r, i) => ({ r, i })).filter(({ r }) => r.split === "train");
  const { batchSize, epochs, lr, shift, seed } = config.train;
  if (train.length < batchSize)
    throw new Error(`Only ${train.length} training images: fewer than one batch of ${batchSize}.`);

  const nets = new EvalNets(config, classes.length, seed);
  const optimizer = tf.train.adam(lr);
  const rng = new Rng(seed).fork("eval-train");
  const stepsPerEpoch = Math.floor(train.length / batchSize);
  const totalSteps = Math.min(Math.round(epochs * stepsPerEpoch), opts.maxSteps ?? Infinity);
  const logEvery = opts.logEvery ?? 20;
  const log: EvalNetLogEntry[] = [];
  const t0 = performance.now();
  let order: number[] = [];
  try {
    for (let step = 0; step < totalSteps; step++) {
      if (opts.signal?.aborted) throw new Error("eval-net training was stopped");
      if (step % stepsPerEpoch === 0) order = shuffled(train.length, rng);
      const at = (step % stepsPerEpoch) * batchSize;
      const batch = order.slice(at, at + batchSize).map((j) => train[j]);
      const caps = new Float32Array(batch.length * dim);
      batch.forEach(({ r }, b) => {
        const row = r.embeddingOffset + rng.int(r.captions.length);
        caps.set(emb.subarray(row * dim, (row + 1) * dim), b * dim);
      });
      const labels = batch.map(({ r }) => classIndex.get(r.class) as number);
      const mask = sameClassMask(labels);
      const x = imageBatch(
        images,
        batch.map(({ i }) => i),
        shift,
        rng,
      );
      const e = tf.tensor2d(caps, [batch.length, dim]);
      let parts: tf.Scalar[] = [];
      const cost = optimizer.minimize(
        () => {
          const f = nets.features(x);
          const match = sentenceMatchingLoss(
            nets.imageEmbedding(f),
            nets.textEmbedding(e),
            config.gamma,
            mask,
          );
          const cls = classLoss(nets.classLogits(f), labels);
          parts = [tf.keep(match.clone()), tf.keep(cls.clone())];
          return match.add(cls.mul(config.classWeight)) as tf.Scalar;
        },
        true,
        nets.trainable(),
      );
      tf.dispose([x, e]);
      if (step % logEvery === 0 || step === totalSteps - 1) {
        const entry: EvalNetLogEntry = {
          step,
          epoch: Math.floor(step / stepsPerEpoch),
          loss: (await cost?.data())?.[0] ?? Number.NaN,
          matchLoss: (await parts[0].data())[0],
          classLoss: (await parts[1].data())[0],
          elapsedSec: (performance.now() - t0) / 1000,
        };
        log.push(entry);
        opts.onLog?.(entry);
      }
      tf.dispose([cost as tf.Scalar, ...parts]);
    }
  } catch (err) {
    nets.dispose();
    throw err;
  } finally {
    optimizer.dispose();
  }
  return { nets, classes, log, steps: totalSteps, seconds: (performance.now() - t0) / 1000 };
}

function shuffled(n: number, rng: Rng): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}
