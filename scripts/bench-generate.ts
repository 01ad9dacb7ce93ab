/**
 * npm run bench:generate [-- --engines onnx,inline,tfjs] [-- --threads 1,2] [-- --quick]
 * Serving speed on realistic architectures with random weights: the `stage1-64` generator (64 px) and the
 * `stage2-256` pair (64 px preview, 256 px final), each as a model version folder, through lib/serve's warm model
 * and generationStream (so the micro-batchers are in the numbers), with the ONNX engine (per thread count) and
 * the TensorFlow.js fallback. Per engine and model: time to the first preview and first final at count 1,
 * per-image latency p50/p95 at count 1 and 16 (time from the request to each image's final), and images/s with
 * 8 concurrent clients (count 1 each). `onnx` is the engine the server uses (sessions in a worker thread);
 * `inline` runs the same sessions on the JS thread (the engine before the worker, for comparison). Beside them: the text encoder's time per prompt and the PNG encoding of a
 * preview, which a real request adds. Prints a table, then one JSON line.
 */
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import {
  architectureKey,
  CHECKPOINT_FILES,
  type CheckpointState,
  GanModel,
  presetConfig,
  saveTensors,
} from "@/lib/gan";
import {
  type GenerationEvent,
  generationStream,
  loadOnnxEngine,
  loadOnnxWorkerEngine,
  registerEngineLoader,
  renderPng,
  type WarmModel,
  warmModel,
  writeModelVersionFolder,
} from "@/lib/serve";
import { initBackend } from "@/lib/tensor";
import { createTextEncoder } from "@/lib/text";

const { values } = parseArgs({
  options: {
    engines: { type: "string", default: "onnx,tfjs" },
    threads: { type: "string", default: "1,2" },
    quick: { type: "boolean", default: false },
  },
});
const engines = values.engines.split(",");
const threadCounts = values.threads.split(",").map(Number);
const quick = values.quick;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : Number.NaN;
};
const r1 = (x: number) => Math.round(x * 10) / 10;

// ---- ONNX engines with explicit threads (lib/config reads GANVAS_ORT_THREADS once, so setting it here is too late)
let ortRun: { inThread: boolean; threads: number } | null = null;
registerEngineLoader(async (dir) => {
  if (!ortRun) return null;
  const opts = { threads: ortRun.threads };
  return ortRun.inThread ? loadOnnxEngine(dir, opts) : loadOnnxWorkerEngine(dir, opts);
});

// ---- model version folders (random weights: speed does not depend on them) ----
const root = await fs.mkdtemp(path.join(os.tmpdir(), "ganvas-bench-generate-"));
await initBackend({ log: () => {} });
async function makeVersion(preset: "stage1-64" | "stage2-256"): Promise<{ onnx: string; tfjs: string }> {
  const config = presetConfig(preset);
  const model = new GanModel(config, { seed: 1, withDiscriminator: false });
  const ckpt = path.join(root, `${preset}-ckpt`);
  await fs.mkdir(ckpt, { recursive: true });
  await saveTensors(ckpt, CHECKPOINT_FILES.weights, model.namedTensors("generators"));
  model.dispose();
  const state: CheckpointState = {
    ...{ step: 0, epoch: 0, config, architecture: architectureKey(config), datasetHash: "bench" },
    ...{ rng: { seed: 1, counter: 0 }, textEncoderId: "ganvas/use-lite", lr: { g: 2e-4, d: 2e-4 } },
    time: new Date().toISOString(),
  };
  await fs.writeFile(path.join(ckpt, CHECKPOINT_FILES.state), JSON.stringify(state));
  const onnx = path.join(root, preset);
  await writeModelVersionFolder({ checkpoint: ckpt, out: onnx });
  const tfjs = path.join(root, `${preset}-tfjs`);
  await fs.cp(onnx, tfjs, { recursive: true });
  await fs.rm(path.join(tfjs, "onnx"), { recursive: true });
  return { onnx, tfjs };
}
const versions = {
  "stage1-64": await makeVersion("stage1-64"),
  "stage2-256": await makeVersion("stage2-256"),
};

// ---- the text encoder a real request runs first ----
const encoder = await createTextEncoder({ lruSize: 0 });
let promptNo = 0;
const nextPrompt = () =>
  `a small ${["red", "blue", "green"][promptNo % 3]} bird with black wings number ${promptNo++}`;
const embedMs: number[] = [];
async function embed(): Promise<Float32Array> {
  const t = performance.now();
  const e = await encoder.embed(nextPrompt());
  embedMs.push(performance.now() - t);
  return e;
}

/** one request; times (ms from its start) of every event, by kind */
async function request(model: WarmModel, embedding: Float32Array, count: number, seed: number) {
  const t0 = performance.now();
  const previews: number[] = [];
  const finals: number[] = [];
  let firstPreview: GenerationEvent | null = null;
  for await (const e of generationStream(model, { embedding, count, seed, truncation: 2 })) {
    const ms = performance.now() - t0;
    if (e.type === "preview") {
      previews.push(ms);
      firstPreview ??= e;
    } else finals.push(ms);
  }
  return { previews, finals, firstPreview };
}

/**
 * How late a 1 ms timer fires (a synchronous pass, or microtasks that never yield): the longest wait, and the
 * 99th percentile (on a busy 2-core machine the longest is often the OS scheduler, not our code).
 */
function stallMeter(): { stop: () => { max: number; p99: number } } {
  let last = performance.now();
  const lags: number[] = [];
  let on = true;
  const tick = () => {
    const now = performance.now();
    lags.push(now - last - 1);
    last = now;
    if (on) setTimeout(tick, 1);
  };
  setTimeout(tick, 1);
  return {
    stop: () => {
      on = false;
      lags.push(performance.now() - last - 1);
      return { max: Math.max(...lags), p99: pct(lags, 99) };
    },
  };
}

interface Row {
  engine: string;
  model: string;
  loadMs: number;
  firstPreviewMs: number;
  firstFinalMs: number;
  count1: { p50: number; p95: number };
  count16: { p50: number; p95: number; msPerImage: number };
  /** images/s, request latency p50, largest micro-batch, and the longest event-loop stall (ms): tfjs and the
   *  inline ONNX engine run a pass synchronously on the JS thread, blocking streaming and other requests */
  concurrent8: {
    imagesPerSec: number;
    p50: number;
    maxBatch: number;
    loopDelayMaxMs: number;
    loopDelayP99Ms: number;
  };
}

async function benchOne(label: string, model: WarmModel, preset: string): Promise<Row> {
  const slow = model.engine.info.kind === "tfjs";
  const reps1 = quick ? 4 : slow ? 6 : 20;
  const reps16 = quick ? 1 : slow ? 2 : 5;
  const seconds = quick ? 2 : slow ? 8 : 5;
  const emb = await embed();
  for (let i = 0; i < 2; i++) await request(model, emb, 1, 1000 + i); // warm-up (first runs allocate)
  await request(model, emb, 4, 2000);

  const first: number[] = [];
  const final1: number[] = [];
  for (let i = 0; i < reps1; i++) {
    const r = await request(model, await embed(), 1, i);
    first.push(r.previews[0]);
    final1.push(r.finals[0]);
  }
  const lat16: number[] = [];
  const total16: number[] = [];
  for (let i = 0; i < reps16; i++) {
    const r = await request(model, emb, 16, 100 + i * 16);
    lat16.push(...r.finals);
    total16.push(Math.max(...r.finals));
  }
  // 8 clients, each sending count-1 requests back to back
  model.stage1.stats.maxItemsInPass = 0;
  const stalls = stallMeter();
  const deadline = performance.now() + seconds * 1000;
  const t0 = performance.now();
  const latC: number[] = [];
  let done = 0;
  await Promise.all(
    Array.from({ length: 8 }, async (_, c) => {
      for (let i = 0; performance.now() < deadline; i++) {
        const r = await request(model, emb, 1, 10_000 + c * 1000 + i);
        latC.push(r.finals[0]);
        done++;
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  const lag = stalls.stop();
  const row: Row = {
    engine: label,
    model: preset,
    loadMs: model.loadMs,
    firstPreviewMs: r1(pct(first, 50)),
    firstFinalMs: r1(pct(final1, 50)),
    count1: { p50: r1(pct(final1, 50)), p95: r1(pct(final1, 95)) },
    count16: { p50: r1(pct(lat16, 50)), p95: r1(pct(lat16, 95)), msPerImage: r1(pct(total16, 50) / 16) },
    concurrent8: {
      imagesPerSec: r1(done / elapsed),
      p50: r1(pct(latC, 50)),
      maxBatch: Math.max(model.stage1.stats.maxItemsInPass, model.stage2.stats.maxItemsInPass),
      loopDelayMaxMs: r1(lag.max),
      loopDelayP99Ms: r1(lag.p99),
    },
  };
  console.error(`  ${label} ${preset}: done`);
  return row;
}

const loadBefore = os.loadavg().map(r1);
const rows: Row[] = [];
for (const preset of ["stage1-64", "stage2-256"] as const) {
  for (const engine of engines) {
    const runs =
      engine === "tfjs"
        ? [{ label: "tfjs", threads: 0 }]
        : threadCounts.map((t) => ({ label: `${engine}-${t}t`, threads: t }));
    for (const { label, threads } of runs) {
      ortRun = engine === "tfjs" ? null : { inThread: engine === "inline", threads };
      const dir = engine === "tfjs" ? versions[preset].tfjs : versions[preset].onnx;
      const model = await warmModel({ id: label, name: `${preset}-${label}`, dir });
      const kind = engine === "tfjs" ? "tfjs" : "onnx";
      if (model.engine.info.kind !== kind)
        throw new Error(`${dir} loaded as ${model.engine.info.kind}, not ${kind}`);
      rows.push(await benchOne(label, model, preset));
    }
  }
}

// what a real request adds around the generator: the prompt's embedding, the preview's PNG
const pngMs: number[] = [];
const rgb = new Uint8Array(64 * 64 * 3).map((_, i) => (i * 37) % 256);
for (let i = 0; i < 20; i++) {
  const t = performance.now();
  await renderPng(rgb, 64, null);
  pngMs.push(performance.now() - t);
}
const textMs = r1(pct(embedMs, 50));
const png64Ms = r1(pct(pngMs, 50));

const pad = (s: string | number, n: number) => String(s).padStart(n);
console.log(
  `\nserving benchmark (${os.cpus().length} cores, load average ${loadBefore.join(" ")} at start, ${os
    .loadavg()
    .map(r1)
    .join(" ")} at end)`,
);
console.log(`text encoder: ${textMs} ms per prompt (p50); PNG of a 64 px preview: ${png64Ms} ms`);
console.log(
  `${"model".padEnd(11)}${"engine".padEnd(11)}${pad("load", 7)}${pad("1st prev", 9)}${pad("+text", 7)}${pad("1st final", 10)}${pad("c1 p50", 8)}${pad("c1 p95", 8)}${pad("c16 p50", 9)}${pad("c16 p95", 9)}${pad("ms/img16", 9)}${pad("img/s x8", 9)}${pad("stall", 7)}${pad("lag p99", 8)}`,
);
for (const r of rows)
  console.log(
    `${r.model.padEnd(11)}${r.engine.padEnd(11)}${pad(r.loadMs, 7)}${pad(r.firstPreviewMs, 9)}${pad(r1(r.firstPreviewMs + textMs), 7)}${pad(r.firstFinalMs, 10)}${pad(r.count1.p50, 8)}${pad(r.count1.p95, 8)}${pad(r.count16.p50, 9)}${pad(r.count16.p95, 9)}${pad(r.count16.msPerImage, 9)}${pad(r.concurrent8.imagesPerSec, 9)}${pad(r.concurrent8.loopDelayMaxMs, 7)}${pad(r.concurrent8.loopDelayP99Ms, 8)}`,
  );
console.log(
  "(ms unless noted; count-16 latency is per image, from the request to that image's final; stall: longest event-loop block with 8 clients, lag p99: 99th percentile of how late a 1 ms timer fired)",
);
console.log(
  JSON.stringify({
    bench: "generate",
    cpus: os.cpus().length,
    loadavg: { start: loadBefore, end: os.loadavg().map(r1) },
    textEncodeMs: textMs,
    png64Ms,
    rows,
  }),
);
await encoder.dispose();
await fs.rm(root, { recursive: true, force: true });
process.exit(0);
