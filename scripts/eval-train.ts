/**
 * Train the evaluation networks for a dataset (DAMSM-like image/text matching + classifier head) and save them
 * as a new version folder.
 *   npm run eval:train -- [--dataset data/datasets/emoji] [--out DIR | --inside-dataset] [--preset emoji]
 *                         [--epochs N] [--seed S] [--n 500]
 * Default output: data/eval/<dataset name>/vNNN (--inside-dataset: <dataset>/eval/vNNN).
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { loadDataset } from "@/lib/data";
import {
  defaultEvalDir,
  evalNetConfig,
  evaluateSplit,
  planSplit,
  type SplitMetrics,
  saveEvalNets,
  trainEvalNets,
} from "@/lib/eval";
import { initBackend } from "@/lib/tensor";

const { values: args } = parseArgs({
  options: {
    dataset: {
      type: "string",
      default: path.join(process.env.GANVAS_DATA_DIR ?? "data", "datasets", "emoji"),
    },
    out: { type: "string" },
    "inside-dataset": { type: "boolean", default: false },
    preset: { type: "string", default: "emoji" },
    epochs: { type: "string" },
    seed: { type: "string" },
    n: { type: "string", default: "500" },
  },
});

const backend = await initBackend();
const t0 = performance.now();
const ds = await loadDataset(args.dataset as string, { sizes: [64] });
const dim = ds.manifest.textEncoder?.dim;
if (!dim) throw new Error(`${args.dataset} has no caption embeddings: build it with embeddings first.`);
const config = evalNetConfig(args.preset as string, {
  textDim: dim,
  train: {
    ...(args.epochs ? { epochs: Number(args.epochs) } : {}),
    ...(args.seed ? { seed: Number(args.seed) } : {}),
  },
});
const outDir =
  args.out ??
  defaultEvalDir(args.dataset as string, ds.manifest, {
    insideDataset: args["inside-dataset"],
  });
console.error(
  `[eval:train] ${ds.manifest.name} (${ds.manifest.count} images, hash ${ds.manifest.hash}), preset ${config.preset}, ` +
    `${config.train.epochs} epochs, batch ${config.train.batchSize} → ${outDir}`,
);
const trained = await trainEvalNets({
  dataset: ds,
  config,
  logEvery: 20,
  onLog: (e) =>
    console.error(
      `  step ${e.step} epoch ${e.epoch} loss ${e.loss.toFixed(3)} (match ${e.matchLoss.toFixed(3)}, class ${e.classLoss.toFixed(3)}) ${e.elapsedSec.toFixed(0)} s`,
    ),
});

// real-image ceiling right away, so the folder records what the nets can tell apart
const metrics: Record<string, SplitMetrics> = {};
for (const split of ["val", "test"] as const) {
  if (!ds.records.some((r) => r.split === split)) continue;
  const plan = planSplit(ds, split, { n: Number(args.n), seed: 0 });
  metrics[split] = evaluateSplit({ nets: trained.nets, classes: trained.classes, dataset: ds, plan });
  const m = metrics[split].real;
  console.error(
    `  ${split}: real R-precision ${(m.rPrecision * 100).toFixed(1)}% (chance ${(metrics[split].chance * 100).toFixed(0)}%), ` +
      `Fréchet(real, real) ${m.frechet?.toFixed(3)}, IS-like ${m.inceptionLike?.toFixed(2)}` +
      (m.classAccuracy === null ? "" : `, class accuracy ${(m.classAccuracy * 100).toFixed(1)}%`),
  );
}
const saved = await saveEvalNets(
  outDir,
  trained.nets,
  {
    datasetName: ds.manifest.name,
    datasetHash: ds.manifest.hash,
    textEncoderId: ds.manifest.textEncoder?.id ?? null,
    classes: trained.classes,
    steps: trained.steps,
    trainSeconds: Math.round(trained.seconds * 10) / 10,
    backend: backend.description,
    metrics: { seed: 0, n: Number(args.n), splits: metrics },
  },
  trained.log,
);
trained.nets.dispose();
console.error(
  `[eval:train] saved ${saved.dir} (${trained.steps} steps, training ${trained.seconds.toFixed(0)} s, total ${((performance.now() - t0) / 1000).toFixed(0)} s)`,
);
