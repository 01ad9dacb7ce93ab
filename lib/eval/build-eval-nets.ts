/**
 * Train a dataset's evaluation networks, measure the real-image ceiling and save them as a new version folder:
 * the one path behind `npm run eval:train` and the console's "Train evaluation networks" job.
 */
import type { LoadedDataset } from "../data";
import { EVAL_NET_PRESETS, type EvalNetConfig, evalNetConfig } from "./eval-net-config";
import { saveEvalNets } from "./eval-net-folder";
import { evaluateSplit, type SplitMetrics } from "./evaluate-split";
import { planSplit } from "./split-plan";
import { type EvalNetLogEntry, trainEvalNets } from "./train-eval-nets";

/** The preset that suits a dataset: "emoji" for a few hundred training images and more, "tiny" below. */
export function autoEvalNetPreset(ds: LoadedDataset): string {
  const train = ds.records.filter((r) => r.split === "train").length;
  return train >= 10 * EVAL_NET_PRESETS.emoji.train.batchSize ? "emoji" : "tiny";
}

/** What stops a dataset from being evaluated, or null. */
export function evalUnsupportedReason(ds: LoadedDataset): string | null {
  if (!ds.embeddings || !ds.manifest.textEncoder) return "it has no caption embeddings";
  if (!ds.images[64]) return "it has no 64 px images";
  const count = (s: string) => ds.records.filter((r) => r.split === s).length;
  if (count("train") < 8) return `its train split has ${count("train")} images (at least 8 are needed)`;
  if (count("val") < 4 && count("test") < 4)
    return "its val and test splits have fewer than 4 images each (at least one needs 4)";
  return null;
}

export interface BuildEvalNetsOptions {
  dataset: LoadedDataset;
  outDir: string;
  preset?: string;
  epochs?: number;
  seed?: number;
  /** items per split for the real-image ceiling (default 500) */
  n?: number;
  backend: string;
  onLog?: (e: EvalNetLogEntry, totalSteps: number) => void;
}

export async function buildEvalNets(opts: BuildEvalNetsOptions): Promise<{
  dir: string;
  version: string;
  config: EvalNetConfig;
  steps: number;
  seconds: number;
  metrics: Record<string, SplitMetrics>;
}> {
  const ds = opts.dataset;
  const why = evalUnsupportedReason(ds);
  if (why) throw new Error(`This dataset cannot be evaluated: ${why}.`);
  const train = ds.records.filter((r) => r.split === "train").length;
  const preset = opts.preset ?? autoEvalNetPreset(ds);
  const base = EVAL_NET_PRESETS[preset];
  const config = evalNetConfig(preset, {
    textDim: ds.manifest.textEncoder?.dim,
    train: {
      // a small dataset still gets whole batches
      batchSize: Math.max(2, Math.min(base?.train.batchSize ?? 32, Math.floor(train / 2))),
      ...(opts.epochs ? { epochs: opts.epochs } : {}),
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    },
  });
  const totalSteps = Math.round(config.train.epochs * Math.floor(train / config.train.batchSize));
  const trained = await trainEvalNets({
    dataset: ds,
    config,
    logEvery: 20,
    onLog: (e) => opts.onLog?.(e, totalSteps),
  });
  const metrics: Record<string, SplitMetrics> = {};
  const n = opts.n ?? 500;
  for (const split of ["val", "test"] as const) {
    if (ds.records.filter((r) => r.split === split).length < 4) continue;
    const plan = planSplit(ds, split, { n, seed: 0 });
    metrics[split] = evaluateSplit({ nets: trained.nets, classes: trained.classes, dataset: ds, plan });
  }
  try {
    const saved = await saveEvalNets(
      opts.outDir,
      trained.nets,
      {
        datasetName: ds.manifest.name,
        datasetHash: ds.manifest.hash,
        textEncoderId: ds.manifest.textEncoder?.id ?? null,
        classes: trained.classes,
        steps: trained.steps,
        trainSeconds: Math.round(trained.seconds * 10) / 10,
        backend: opts.backend,
        metrics: { seed: 0, n, splits: metrics },
      },
      trained.log,
    );
    return {
      dir: saved.dir,
      version: saved.manifest.version,
      config,
      steps: trained.steps,
      seconds: trained.seconds,
      metrics,
    };
  } finally {
    trained.nets.dispose();
  }
}
