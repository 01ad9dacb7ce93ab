/**
 * Evaluate a model version or a checkpoint on captions of the val and the class-disjoint test split:
 * R-precision, Fréchet distance on the eval encoder's features, Inception-like score, beside real images (ceiling)
 * and shuffled captions (floor). Writes report.json, report.md and samples.png (default out:
 * data/eval-reports/<model name>-seed<seed>). Eval nets default to data/eval/<dataset name> (latest version);
 * --inside-dataset reads <dataset>/eval instead.
 *   npm run eval -- --model MODEL_VERSION_DIR | --checkpoint CHECKPOINT_OR_RUN_DIR
 *                   [--dataset data/datasets/emoji] [--eval-nets DIR | --inside-dataset] [--n 500] [--seed 0]
 *                   [--truncation T] [--repeats R: seeds S..S+R-1, mean ± sd in the report]
 *                   [--splits val,test] [--out DIR]
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { loadDataset, type Split } from "@/lib/data";
import {
  defaultEvalDir,
  downscale4x,
  type EvalReport,
  evaluateSplit,
  formatEvalReport,
  loadEvalNets,
  type PlanItem,
  planSplit,
  type SplitMetrics,
  summariseRuns,
} from "@/lib/eval";
import { loadGenerator, mixSeed, noiseFromSeed, readCheckpointState, resolveCheckpointDir } from "@/lib/gan";
import { loadEngine, readModelVersionManifest } from "@/lib/serve";
import { initBackend } from "@/lib/tensor";
import { writeImageGrid } from "@/lib/train";

const { values: args } = parseArgs({
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
    out: { type: "string" },
  },
});
if (!args.model === !args.checkpoint) {
  console.error("Give exactly one of --model MODEL_VERSION_DIR or --checkpoint CHECKPOINT_OR_RUN_DIR.");
  process.exit(2);
}
const seed = Number(args.seed);
const n = Number(args.n);
const truncation = args.truncation ? Number(args.truncation) : Infinity;
const t0 = performance.now();
await initBackend();

// ---- the generator: (embeddings, noise) → 64 px uint8 images, whichever way the model is stored
interface Gen {
  kind: EvalReport["model"]["kind"];
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

async function openModelVersion(dir: string): Promise<Gen> {
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
      if (!hasStage2) return concat(s1.map((o) => o.rgb64));
      const big: Uint8Array[] = [];
      for (let i = 0; i < s1.length; i += 4)
        big.push(...(await engine.stage2(s1.slice(i, i + 4).map((o) => o.next))));
      return downscale4x(concat(big), 256);
    },
    dispose: () => engine.dispose(),
  };
}

async function openCheckpoint(p: string): Promise<Gen> {
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

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** One image per caption row; noise row i comes from mixSeed(noiseSeed, i), so results do not depend on batching. */
async function generateFor(
  gen: Gen,
  embeddings: Float32Array,
  rows: number[],
  noiseSeed: number,
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
  return concat(parts);
}

// ---- load everything and check it fits together
const ds = await loadDataset(args.dataset as string, { sizes: [64] });
const gen = args.model ? await openModelVersion(args.model) : await openCheckpoint(args.checkpoint as string);
const dsEncoder = ds.manifest.textEncoder;
if (!ds.embeddings || !dsEncoder) throw new Error(`${args.dataset} has no caption embeddings.`);
if (dsEncoder.id !== gen.textEncoderId || dsEncoder.dim !== gen.embDim)
  throw new Error(
    `The model expects ${gen.embDim}-d embeddings from ${gen.textEncoderId}; the dataset has ${dsEncoder.dim}-d from ${dsEncoder.id}.`,
  );
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
  for (const split of (args.splits as string).split(",") as Split[]) {
    if (!ds.records.some((r) => r.split === split)) continue;
    const plan = planSplit(ds, split, { n, seed: runSeed });
    let t = performance.now();
    const generated = await generateFor(
      gen,
      ds.embeddings,
      plan.items.map((it) => it.captionRow),
      mixSeed(runSeed, split),
    );
    generateSec += (performance.now() - t) / 1000;
    t = performance.now();
    splits[split] = evaluateSplit(
      { nets: evalNets.nets, classes: evalNets.manifest.classes, dataset: ds, plan },
      generated,
    );
    metricsSec += (performance.now() - t) / 1000;
    const m = splits[split];
    console.error(
      `  seed ${runSeed} ${split}: R-precision real ${pct(m.real.rPrecision)} / generated ${pct(m.generated?.rPrecision)} / shuffled ${pct(m.shuffled?.rPrecision)}; ` +
        `Fréchet real ${m.real.frechet?.toFixed(3)} / generated ${m.generated?.frechet?.toFixed(3)}; ` +
        `IS-like real ${m.real.inceptionLike?.toFixed(2)} / generated ${m.generated?.inceptionLike?.toFixed(2)}`,
    );
    if (rep === 0 && (split === "test" || !testGenerated)) {
      testItems = plan.items;
      testGenerated = generated;
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
const extra = await generateFor(
  gen,
  ds.embeddings,
  gridItems.flatMap(({ it }) => Array(cols - 2).fill(it.captionRow)),
  mixSeed(seed, "grid"),
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
  upscale2x(tiles64, gridItems.length * cols),
  128,
  gridItems.length,
  cols,
  gridItems.map(({ it }) => it.caption),
);
function upscale2x(tiles: Uint8Array, count: number): Uint8Array {
  const out = new Uint8Array(count * 128 * 128 * 3);
  for (let t = 0; t < count; t++)
    for (let y = 0; y < 128; y++)
      for (let x = 0; x < 128; x++) {
        const s = t * PX + ((y >> 1) * 64 + (x >> 1)) * 3;
        out.set(tiles.subarray(s, s + 3), (t * 128 * 128 + y * 128 + x) * 3);
      }
  return out;
}
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
evalNets.nets.dispose();
await gen.dispose();
console.error(
  `[eval] wrote ${outDir}/report.{json,md} and samples.png in ${report.timings.totalSec.toFixed(1)} s`,
);
