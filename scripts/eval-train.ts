/**
 * Train the evaluation networks for a dataset (DAMSM-like image/text matching + classifier head) and save them
 * as a new version folder.
 *   npm run eval:train -- [--dataset data/datasets/emoji] [--out DIR | --inside-dataset] [--preset emoji|tiny (default: by dataset size)]
 *                         [--epochs N] [--seed S] [--n 500]
 * Default output: data/eval/<dataset name>/vNNN (--inside-dataset: <dataset>/eval/vNNN).
 */
import path from "node:path";
import { loadDataset } from "@/lib/data";
import { autoEvalNetPreset, buildEvalNets, defaultEvalDir } from "@/lib/eval";
import { initBackend } from "@/lib/tensor";
import { parseCli } from "./lib/cli";

const USAGE =
  "usage: npm run eval:train -- [--dataset DIR] [--out DIR] [--inside-dataset] [--preset NAME] [--epochs N] [--seed N] [--n 500]";

const { values: args } = parseCli(
  {
    options: {
      dataset: {
        type: "string",
        default: path.join(process.env.GANVAS_DATA_DIR ?? "data", "datasets", "emoji"),
      },
      out: { type: "string" },
      "inside-dataset": { type: "boolean", default: false },
      preset: { type: "string" },
      epochs: { type: "string" },
      seed: { type: "string" },
      n: { type: "string", default: "500" },
    },
  },
  USAGE,
);

const backend = await initBackend();
const t0 = performance.now();
const ds = await loadDataset(args.dataset as string, { sizes: [64] });
const outDir =
  args.out ??
  defaultEvalDir(args.dataset as string, ds.manifest, {
    insideDataset: args["inside-dataset"],
  });
const preset = args.preset ?? autoEvalNetPreset(ds);
console.error(
  `[eval:train] ${ds.manifest.name} (${ds.manifest.count} images, hash ${ds.manifest.hash}), preset ${preset} → ${outDir}`,
);
const built = await buildEvalNets({
  dataset: ds,
  outDir,
  preset,
  epochs: args.epochs ? Number(args.epochs) : undefined,
  seed: args.seed ? Number(args.seed) : undefined,
  n: Number(args.n),
  backend: backend.description,
  onLog: (e, total) =>
    console.error(
      `  step ${e.step}/${total} epoch ${e.epoch} loss ${e.loss.toFixed(3)} (match ${e.matchLoss.toFixed(3)}, class ${e.classLoss.toFixed(3)}) ${e.elapsedSec.toFixed(0)} s`,
    ),
});
for (const [split, m] of Object.entries(built.metrics)) {
  const r = m.real;
  console.error(
    `  ${split}: real R-precision ${(r.rPrecision * 100).toFixed(1)}% (chance ${(m.chance * 100).toFixed(0)}%), ` +
      `Fréchet(real, real) ${r.frechet?.toFixed(3)}, IS-like ${r.inceptionLike?.toFixed(2)}` +
      (r.classAccuracy === null ? "" : `, class accuracy ${(r.classAccuracy * 100).toFixed(1)}%`),
  );
}
console.error(
  `[eval:train] saved ${built.dir} (${built.steps} steps, batch ${built.config.train.batchSize}, training ${built.seconds.toFixed(0)} s, total ${((performance.now() - t0) / 1000).toFixed(0)} s)`,
);
