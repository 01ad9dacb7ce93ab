/**
 * Evaluate a generator (a training checkpoint or a model version) on the val and test splits of its dataset.
 * Shared by `npm run eval` and the training worker (evaluation when a checkpoint is made, or on request).
 */
import path from "node:path";
import type { LoadedDataset, Split } from "../data";
import { loadGenerator, mixSeed, noiseFromSeed, readCheckpointState, resolveCheckpointDir } from "../gan";
import { loadEngine, readModelVersionManifest } from "../serve";
import { downscale4x } from "./encode";
import type { LoadedEvalNets } from "./eval-net-folder";
import { evaluateSplit, type SplitMetrics } from "./evaluate-split";
import { type PlanItem, planSplit } from "./split-plan";

/** A generator, however it is stored: (embeddings, noise) → 64 px uint8 images. */
export interface EvalGenerator {
  kind: "model-version" | "checkpoint";
  dir: string;
  name: string;
  stage: 1 | 2;
  step: number | null;
  engine: string;
  datasetHash: string | null;
  textEncoderId: string;
  embDim: number;
  zDim: number;
  cDim: number;
  /** rows of [count, embDim] embeddings + [count, zDim]/[count, cDim] noise → [count, 64, 64, 3] */
  run(emb: Float32Array, z: Float32Array, eps: Float32Array, count: number): Promise<Uint8Array>;
  dispose(): Promise<void>;
}

export function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A model version folder (model.json + ONNX or checkpoint), served by the fastest engine available. */
export async function openModelVersionGenerator(dir: string): Promise<EvalGenerator> {
  const manifest = await readModelVersionManifest(dir);
  const engine = await loadEngine(dir);
  const state = await readCheckpointState(path.join(dir, "checkpoint")).catch(() => null);
  const { embDim, zDim, cDim, hasStage2 } = engine.info;
  return {
    kind: "model-version",
    dir,
    name: manifest.name,
    stage: hasStage2 ? 2 : 1,
    step: state?.step ?? null,
    engine: engine.info.kind,
    datasetHash: state?.datasetHash ?? null,
    textEncoderId: engine.info.textEncoderId,
    embDim,
    zDim,
    cDim,
    async run(emb, z, eps, count) {
      const items = Array.from({ length: count }, (_, i) => ({
        emb: emb.subarray(i * embDim, (i + 1) * embDim),
        z: z.subarray(i * zDim, (i + 1) * zDim),
        eps: eps.subarray(i * cDim, (i + 1) * cDim),
      }));
      const s1 = await engine.stage1(items);
      if (!hasStage2) return concatBytes(s1.map((o) => o.rgb64));
      const big: Uint8Array[] = [];
      for (let i = 0; i < s1.length; i += 4)
        big.push(...(await engine.stage2(s1.slice(i, i + 4).map((o) => o.next))));
      return downscale4x(concatBytes(big), 256);
    },
    dispose: () => engine.dispose(),
  };
}

/** A training checkpoint folder (or a run folder: its latest checkpoint), run with tfjs. */
export async function openCheckpointGenerator(p: string): Promise<EvalGenerator> {
  const dir = await resolveCheckpointDir(p);
  const g = await loadGenerator(dir);
  const { state } = g.checkpoint;
  const { embDim, zDim, cDim } = state.config;
  const stage2 = !!g.checkpoint.model.g2;
  return {
    kind: "checkpoint",
    dir,
    // "<run>/step-000200" for a checkpoint inside a run folder
    name:
      path.basename(path.dirname(dir)) === "checkpoints"
        ? `${path.basename(path.dirname(path.dirname(dir)))}/${path.basename(dir)}`
        : path.basename(dir),
    stage: stage2 ? 2 : 1,
    step: state.step,
    engine: "tfjs",
    datasetHash: state.datasetHash,
    textEncoderId: state.textEncoderId,
    embDim,
    zDim,
    cDim,
    async run(emb, z, eps) {
      const out = g.generate({ embeddings: emb, noise: { z, eps } });
      return out.images256 ? downscale4x(out.images256, 256) : out.images64;
    },
    dispose: async () => g.dispose(),
  };
}

/** One image per caption row; noise row i comes from mixSeed(noiseSeed, i), so results do not depend on batching. */
export async function generateForRows(
  gen: EvalGenerator,
  embeddings: Float32Array,
  rows: number[],
  noiseSeed: number,
  truncation = Number.POSITIVE_INFINITY,
): Promise<Uint8Array> {
  const { embDim, zDim, cDim } = gen;
  const noise = noiseFromSeed(noiseSeed, rows.length, zDim, cDim, truncation);
  const parts: Uint8Array[] = [];
  for (let lo = 0; lo < rows.length; lo += 32) {
    const batch = rows.slice(lo, lo + 32);
    const emb = new Float32Array(batch.length * embDim);
    batch.forEach((r, i) => {
      emb.set(embeddings.subarray(r * embDim, (r + 1) * embDim), i * embDim);
    });
    parts.push(
      await gen.run(
        emb,
        noise.z.subarray(lo * zDim, (lo + batch.length) * zDim),
        noise.eps.subarray(lo * cDim, (lo + batch.length) * cDim),
        batch.length,
      ),
    );
  }
  return concatBytes(parts);
}

/** Why a generator cannot be scored against a dataset, or null when it can. */
export function generatorMismatch(gen: EvalGenerator, ds: LoadedDataset): string | null {
  const enc = ds.manifest.textEncoder;
  if (!ds.embeddings || !enc) return `${ds.dir} has no caption embeddings.`;
  if (enc.id !== gen.textEncoderId || enc.dim !== gen.embDim)
    return `The model expects ${gen.embDim}-d embeddings from ${gen.textEncoderId}; the dataset has ${enc.dim}-d from ${enc.id}.`;
  return null;
}

export interface SplitRun {
  metrics: SplitMetrics;
  items: PlanItem[];
  /** the scored generated images, one per item */
  generated: Uint8Array;
  generateSec: number;
  metricsSec: number;
}

/** Generate for and score each split that has records (the noise depends on seed and split only). */
export async function evaluateGenerator(opts: {
  gen: EvalGenerator;
  dataset: LoadedDataset;
  evalNets: LoadedEvalNets;
  splits: Split[];
  n: number;
  seed: number;
  truncation?: number;
  /** captions scored per item image (split-plan.ts; default 1) */
  captionsPerImage?: number;
}): Promise<Record<string, SplitRun>> {
  const { gen, dataset: ds, evalNets } = opts;
  const problem = generatorMismatch(gen, ds);
  if (problem) throw new Error(problem);
  const out: Record<string, SplitRun> = {};
  for (const split of opts.splits) {
    if (ds.records.filter((r) => r.split === split).length < 4) continue;
    const plan = planSplit(ds, split, {
      n: opts.n,
      seed: opts.seed,
      captionsPerImage: opts.captionsPerImage,
    });
    let t = performance.now();
    const rows = plan.items.map((it) => it.captionRow);
    const emb = ds.embeddings as Float32Array;
    const generated = await generateForRows(gen, emb, rows, mixSeed(opts.seed, split), opts.truncation);
    // the same captions with other noise, for seed diversity (a different label, so the first draw is unchanged)
    const second = await generateForRows(
      gen,
      emb,
      rows,
      mixSeed(opts.seed, `${split}/second-draw`),
      opts.truncation,
    );
    const generateSec = (performance.now() - t) / 1000;
    t = performance.now();
    const metrics = evaluateSplit(
      { nets: evalNets.nets, classes: evalNets.manifest.classes, dataset: ds, plan },
      generated,
      second,
    );
    out[split] = {
      metrics,
      items: plan.items,
      generated,
      generateSec,
      metricsSec: (performance.now() - t) / 1000,
    };
  }
  return out;
}

/** The figures the console shows for a checkpoint or model version (small enough for a database row). */
export interface EvalSummary {
  evaluatedAt: string;
  n: number;
  seed: number;
  evalNets: string;
  seconds: number;
  /** captions scored per item image (`--captions-per-image`); absent in summaries recorded before it existed = 1 */
  captionsPerImage?: number;
  /** the noise truncation the images were made with (null: plain normals); absent in older summaries = null */
  truncation?: number | null;
  splits: Record<
    string,
    {
      items: number;
      chance: number;
      /** near-class R-precision's chance; absent in summaries recorded before it existed */
      nearChance?: number | null;
      classesKnown: boolean;
      real: {
        rPrecision: number;
        rPrecisionNear?: number | null;
        frechet: number | null;
        /** absent in summaries recorded before the image–text Fréchet distance was measured */
        jointFrechet?: number | null;
        inceptionLike: number | null;
      };
      generated: {
        rPrecision: number;
        rPrecisionNear?: number | null;
        frechet: number | null;
        jointFrechet?: number | null;
        inceptionLike: number | null;
        classAccuracy: number | null;
        /** absent in summaries recorded before seed diversity was measured */
        seedDiversity?: number | null;
      };
      shuffled: { rPrecision: number; rPrecisionNear?: number | null; jointFrechet?: number | null } | null;
    }
  >;
}

export function summariseEval(
  metrics: Record<string, SplitMetrics>,
  info: Omit<EvalSummary, "evaluatedAt" | "splits">,
): EvalSummary {
  const splits: EvalSummary["splits"] = {};
  for (const [name, m] of Object.entries(metrics)) {
    if (!m.generated) continue;
    splits[name] = {
      items: m.items,
      chance: m.chance,
      nearChance: m.nearChance ?? null,
      classesKnown: m.classesKnown,
      real: {
        rPrecision: m.real.rPrecision,
        rPrecisionNear: m.real.rPrecisionNear ?? null,
        frechet: m.real.frechet,
        jointFrechet: m.real.jointFrechet ?? null,
        inceptionLike: m.real.inceptionLike,
      },
      generated: {
        rPrecision: m.generated.rPrecision,
        rPrecisionNear: m.generated.rPrecisionNear ?? null,
        frechet: m.generated.frechet,
        jointFrechet: m.generated.jointFrechet ?? null,
        inceptionLike: m.generated.inceptionLike,
        classAccuracy: m.generated.classAccuracy,
        seedDiversity: m.generated.seedDiversity ?? null,
      },
      shuffled: m.shuffled
        ? {
            rPrecision: m.shuffled.rPrecision,
            rPrecisionNear: m.shuffled.rPrecisionNear ?? null,
            jointFrechet: m.shuffled.jointFrechet ?? null,
          }
        : null,
    };
  }
  return { evaluatedAt: new Date().toISOString(), ...info, splits };
}
