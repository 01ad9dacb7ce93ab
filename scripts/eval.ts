/**
 * Evaluate a model version or a checkpoint on captions of the val and the class-disjoint test split:
 * R-precision, Fréchet distance on the eval encoder's features, Inception-like score, beside real images (ceiling)
 * and shuffled captions (floor). Writes report.json, report.md and samples.png (default out:
 * data/eval-reports/<model name>-seed<seed>). Eval nets default to data/eval/<dataset name> (latest version);
 * --inside-dataset reads <dataset>/eval instead.
 *   npm run eval -- --model MODEL_VERSION_DIR | --checkpoint CHECKPOINT_OR_RUN_DIR
 *                   [--dataset data/datasets/emoji] [--eval-nets DIR | --inside-dataset] [--n 500] [--seed 0]
 *                   [--truncation T] [--repeats R: seeds S..S+R-1, mean ± sd in the report]
 *                   [--splits val,test] [--out DIR] [--record: write the figures into the model's model.json]
 *                   [--captions-per-image K: score each item image with K of its captions (default 1, the
 *                    protocol of the recorded figures); K = 4 cuts the noise of one seed's R-precision]
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { loadDataset, type Split } from "@/lib/data";
import {
  defaultEvalDir,
  type EvalReport,
  evaluateGenerator,
  formatEvalReport,
  generateForRows,
  generatorMismatch,
  loadEvalNets,
  openCheckpointGenerator,
  openModelVersionGenerator,
  type PlanItem,
  type SplitMetrics,
  summariseEval,
  summariseRuns,
} from "@/lib/eval";
import { mixSeed } from "@/lib/gan";
import { initBackend } from "@/lib/tensor";
import { writeImageGrid, zoomTiles } from "@/lib/train";
import { parseCli } from "./lib/cli";

const USAGE =
  "usage: npm run eval -- (--model MODEL_VERSION_DIR | --checkpoint CHECKPOINT_OR_RUN_DIR) [--dataset DIR] [--eval-nets DIR] [--n 500] [--seed 0] [--repeats 1] [--captions-per-image 1] [--truncation T] [--splits val,test] [--out DIR] [--record]";

const { values: args } = parseCli(
  {
    options: {
      model: { type: "string" },
      checkpoint: { type: "string" },
      dataset: {
        type: "string",
        default: path.join(process.env.GANVAS_DATA_DIR ?? "data", "datasets", "emoji"),
      },
      "eval-nets": { type: "string" },
      "inside-dataset": { type: "boolean", default: false },
      n: { type: "string", default: "500" },
      seed: { type: "string", default: "0" },
      truncation: { type: "string" },
      splits: { type: "string", default: "val,test" },
      repeats: { type: "string", default: "1" },
      "captions-per-image": { type: "string", default: "1" },
      out: { type: "string" },
      /** with --model: record the figures of the first seed in the version's model.json (its `metrics`) */
      record: { type: "boolean", default: false },
    },
  },
  USAGE,
);
if (!args.model === !args.checkpoint) {
  console.error("Give exactly one of --model MODEL_VERSION_DIR or --checkpoint CHECKPOINT_OR_RUN_DIR.");
  process.exit(2);
}
const seed = Number(args.seed);
const n = Number(args.n);
const captionsPerImage = Number(args["captions-per-image"]);
if (!Number.isInteger(captionsPerImage) || captionsPerImage < 1) {
  console.error(`--captions-per-image must be a whole number ≥ 1 (got "${args["captions-per-image"]}")`);
  process.exit(2);
}
const truncation = args.truncation ? Number(args.truncation) : Infinity;
const t0 = performance.now();
await initBackend();

// ---- load everything and check it fits together
const ds = await loadDataset(args.dataset as string, { sizes: [64] });
const gen = args.model
  ? await openModelVersionGenerator(args.model)
  : await openCheckpointGenerator(args.checkpoint as string);
const problem = generatorMismatch(gen, ds);
if (problem) throw new Error(problem);
const dsEncoder = ds.manifest.textEncoder as NonNullable<typeof ds.manifest.textEncoder>;
const evalNetsDir =
  args["eval-nets"] ??
  defaultEvalDir(args.dataset as string, ds.manifest, { insideDataset: args["inside-dataset"] });
const evalNets = await loadEvalNets(evalNetsDir, {
  hash: ds.manifest.hash,
  textEncoderId: dsEncoder.id,
  datasetDir: args.dataset,
});
const notes: string[] = [];
if (gen.datasetHash && gen.datasetHash !== ds.manifest.hash)
  notes.push(
    `The model was trained on dataset ${gen.datasetHash}, not on the evaluated ${ds.manifest.hash}.`,
  );
const outDir =
  args.out ?? path.join("data", "eval-reports", `${gen.name.replace(/[^\w.-]+/g, "_")}-seed${seed}`);
await fs.mkdir(outDir, { recursive: true });
console.error(
  `[eval] ${gen.kind} ${gen.name} (${gen.engine}, Stage ${gen.stage}) on ${ds.manifest.name}; eval nets ${evalNets.manifest.version}`,
);

// ---- generate and score each split, for each seed
const repeats = Math.max(1, Number(args.repeats));
const runs: Record<string, SplitMetrics>[] = [];
let generateSec = 0;
let metricsSec = 0;
let testItems: PlanItem[] = [];
let testGenerated: Uint8Array | null = null;
for (let rep = 0; rep < repeats; rep++) {
  const runSeed = seed + rep;
  const splits: Record<string, SplitMetrics> = {};
  const done = await evaluateGenerator({
    gen,
    dataset: ds,
    evalNets,
    splits: (args.splits as string).split(",") as Split[],
    n,
    seed: runSeed,
    truncation,
    captionsPerImage,
  });
  for (const [split, r] of Object.entries(done)) {
    splits[split] = r.metrics;
    generateSec += r.generateSec;
    metricsSec += r.metricsSec;
    const m = r.metrics;
    console.error(
      `  seed ${runSeed} ${split}: R-precision real ${pct(m.real.rPrecision)} / generated ${pct(m.generated?.rPrecision)} / shuffled ${pct(m.shuffled?.rPrecision)}; ` +
        `near-class real ${pct(m.real.rPrecisionNear)} / generated ${pct(m.generated?.rPrecisionNear)} / shuffled ${pct(m.shuffled?.rPrecisionNear)}; ` +
        `Fréchet real ${m.real.frechet?.toFixed(3)} / generated ${m.generated?.frechet?.toFixed(3)}; ` +
        `IS-like real ${m.real.inceptionLike?.toFixed(2)} / generated ${m.generated?.inceptionLike?.toFixed(2)}; ` +
        `seed diversity ${m.generated?.seedDiversity?.toFixed(3)}`,
    );
    if (rep === 0 && (split === "test" || !testGenerated)) {
      testItems = r.items;
      testGenerated = r.generated;
    }
  }
  runs.push(splits);
}
function pct(x: number | null | undefined): string {
  return x === null || x === undefined ? "—" : `${(x * 100).toFixed(1)}%`;
}

// ---- sample grid: 8 prompts of distinct classes; real image, then 5 generated images (the scored one first)
const PX = 64 * 64 * 3;
const seen = new Set<string>();
const gridItems = testItems
  .map((it, i) => ({ it, i }))
  .filter(({ it }) => !seen.has(it.cls) && seen.add(it.cls))
  .slice(0, 8);
const cols = 6;
const extra = await generateForRows(
  gen,
  ds.embeddings as Float32Array,
  gridItems.flatMap(({ it }) => Array(cols - 2).fill(it.captionRow)),
  mixSeed(seed, "grid"),
  truncation,
);
const tiles64 = new Uint8Array(gridItems.length * cols * PX);
gridItems.forEach(({ it, i }, r) => {
  const images = ds.images[64] as Uint8Array;
  tiles64.set(images.subarray(it.record * PX, (it.record + 1) * PX), r * cols * PX);
  tiles64.set((testGenerated as Uint8Array).subarray(i * PX, (i + 1) * PX), (r * cols + 1) * PX);
  tiles64.set(extra.subarray(r * (cols - 2) * PX, (r + 1) * (cols - 2) * PX), (r * cols + 2) * PX);
});
await writeImageGrid(
  path.join(outDir, "samples.png"),
  zoomTiles(tiles64, gridItems.length * cols, 64, 2),
  128,
  gridItems.length,
  cols,
  gridItems.map(({ it }) => it.caption),
);
notes.push(
  "Sample grid: test-split prompts; column 1 is the real image, columns 2–6 generated (column 2 is the scored one).",
);

const report: EvalReport = {
  createdAt: new Date().toISOString(),
  model: {
    kind: gen.kind,
    dir: gen.dir,
    name: gen.name,
    stage: gen.stage,
    step: gen.step,
    engine: gen.engine,
    datasetHash: gen.datasetHash,
    textEncoderId: gen.textEncoderId,
  },
  dataset: { dir: args.dataset as string, name: ds.manifest.name, hash: ds.manifest.hash },
  evalNets: {
    dir: evalNets.dir,
    version: evalNets.manifest.version,
    trainSeconds: evalNets.manifest.trainSeconds,
  },
  seed,
  n,
  captionsPerImage,
  truncation: Number.isFinite(truncation) ? truncation : null,
  scored: gen.stage === 2 ? "stage2-256-downscaled" : "stage1-64",
  splits: runs[0],
  ...(repeats > 1
    ? { repeats: { seeds: runs.map((_, i) => seed + i), runs, summary: summariseRuns(runs) } }
    : {}),
  timings: { generateSec, metricsSec, totalSec: (performance.now() - t0) / 1000 },
  notes,
};
await fs.writeFile(path.join(outDir, "report.json"), `${JSON.stringify(report, null, 2)}\n`);
await fs.writeFile(path.join(outDir, "report.md"), formatEvalReport(report));
if (args.record) {
  if (gen.kind !== "model-version") throw new Error("--record needs --model (a model version folder).");
  const file = path.join(gen.dir, "model.json");
  const manifest = JSON.parse(await fs.readFile(file, "utf8")) as Record<string, unknown>;
  manifest.metrics = summariseEval(runs[0], {
    n,
    seed,
    evalNets: evalNets.manifest.version,
    seconds: Math.round(report.timings.totalSec * 10) / 10,
    captionsPerImage,
    truncation: Number.isFinite(truncation) ? truncation : null,
  });
  await fs.writeFile(file, `${JSON.stringify(manifest, null, 2)}\n`);
  console.error(`[eval] recorded the figures in ${file}`);
}
evalNets.nets.dispose();
await gen.dispose();
console.error(
  `[eval] wrote ${outDir}/report.{json,md} and samples.png in ${report.timings.totalSec.toFixed(1)} s`,
);
