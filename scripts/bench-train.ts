/**
 * Training-step benchmark of the bench-stage1 architecture (STACK.md: ngf 64, 4×4×512 start, ndf 64, batch 64).
 *   npm run bench:train [-- --steps 2 --batch 64 --workers 1|2 --profile --no-torch --no-fused-bn]
 * Default 1 shard (the single-process dgStep). With the native oneDNN convolutions (npm run native:build) one
 * process already uses every core; without them, --workers 2 runs data-parallel shards, one wasm thread each.
 * Prints ms per step, GFLOP per step and achieved GFLOP/s on the active backend; when /usr/bin/python3 has
 * torch, runs the same step in PyTorch (2 threads) and prints the ratio. Ends with one JSON line.
 */
import { execFileSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs";
import { GanModel, presetConfig, Rng, trainStepFlops } from "../lib/gan";
import { initBackend } from "../lib/tensor";
import {
  Adam,
  AUG_PER_IMAGE,
  type Batch,
  DataParallel,
  dgStep,
  disposeInputs,
  type StepInputs,
} from "../lib/train";

const { values } = parseArgs({
  options: {
    steps: { type: "string", default: "2" },
    /** another preset to time (stage2-256 times a Stage-II step); PyTorch runs for bench-stage1 only */
    preset: { type: "string", default: "bench-stage1" },
    /** default: 64 for bench-stage1, else the preset's own */
    batch: { type: "string" },
    profile: { type: "boolean", default: false },
    "no-torch": { type: "boolean", default: false },
    /** data-parallel shards (1 = main thread only, the default); at most one per core */
    workers: { type: "string" },
    /** composed batch-norm ops instead of the fused native kernel (main thread; for comparison) */
    "no-fused-bn": { type: "boolean", default: false },
  },
});
const steps = Number(values.steps);
const preset = values.preset ?? "bench-stage1";
const batch = Number(values.batch ?? (preset === "bench-stage1" ? 64 : presetConfig(preset).train.batchSize));

// before the backend starts: data-parallel workers read it too
if (values["no-fused-bn"]) process.env.GANVAS_NATIVE_BN = "false";
const backend = await initBackend();
const config = presetConfig(preset, { train: { batchSize: batch } });
const px = config.stage === 1 ? 64 : 256;
const model = new GanModel(config, { seed: 1, withDiscriminator: true });
const optG = new Adam(model.trainedG.trainable, config.train.lrG, config.train.beta1, config.train.beta2);
const optD = new Adam(
  model.stores.d?.trainable ?? new Map(),
  config.train.lrD,
  config.train.beta1,
  config.train.beta2,
);
const rng = new Rng(1);
const inputs = (): StepInputs => ({
  images: tf.tensor4d(
    rng.normals(batch * px * px * 3, 0.5).map((v) => Math.max(-1, Math.min(1, v))),
    [batch, px, px, 3],
  ),
  right: tf.tensor2d(rng.normals(batch * config.embDim), [batch, config.embDim]),
  wrong: tf.tensor2d(rng.normals(batch * config.embDim), [batch, config.embDim]),
  z: tf.tensor2d(rng.normals(batch * config.zDim), [batch, config.zDim]),
  eps: tf.tensor2d(rng.normals(batch * config.cDim), [batch, config.cDim]),
  aug: Float32Array.from({ length: batch * AUG_PER_IMAGE }, () => rng.next()),
});
// one fixed batch: the timing is of the step, not of making random inputs
const fixed = inputs();
const shards = Math.min(Number(values.workers ?? 1), os.cpus().length);
const dp = shards > 1 ? await DataParallel.start(model, shards, backend.choice) : null;
const fixedBatch: Batch = {
  size: batch,
  imageSize: px,
  images: fixed.images.dataSync() as Float32Array,
  right: fixed.right.dataSync() as Float32Array,
  wrong: fixed.wrong.dataSync() as Float32Array,
  z: fixed.z.dataSync() as Float32Array,
  eps: fixed.eps.dataSync() as Float32Array,
  aug: fixed.aug,
};
const step = async () => {
  if (dp) {
    dp.dgStep(model, optD, optG, fixedBatch);
    return;
  }
  dgStep(model, optD, optG, fixed);
};

const gflop = trainStepFlops(config, batch) / 1e9;
const engine = `${backend.description}${dp ? ` × ${shards} data-parallel shards (worker_threads)` : ""}`;
console.error(`[bench] ${preset}, batch ${batch}, ${gflop.toFixed(1)} GFLOP/step, ${engine}; warm-up step…`);
await step();
const times: number[] = [];
for (let i = 0; i < steps; i++) {
  const t = performance.now();
  const c = process.cpuUsage();
  await step();
  times.push(performance.now() - t);
  // process CPU time (all threads): on a shared machine wall time also counts waiting for a core
  const u = process.cpuUsage(c);
  console.error(
    `[bench] step ${i + 1}/${steps}: ${times[i].toFixed(0)} ms (process CPU ${((u.user + u.system) / 1000).toFixed(0)} ms)`,
  );
}
const msPerStep = times.reduce((a, b) => a + b, 0) / steps;
const gflopsPerSec = gflop / (msPerStep / 1000);
console.error(
  `[bench] ${msPerStep.toFixed(0)} ms/step, ${gflopsPerSec.toFixed(1)} GFLOP/s (min ${Math.min(...times).toFixed(0)} ms)`,
);

if (values.profile) {
  // per-kernel profile of the main thread's share (with workers, its shard only)
  const prof = await tf.profile(() => {
    dgStep(model, optD, optG, fixed);
  });
  const agg = new Map<string, { ms: number; n: number }>();
  for (const k of prof.kernels) {
    const a = agg.get(k.name) ?? { ms: 0, n: 0 };
    a.ms += Number(k.kernelTimeMs) || 0;
    a.n++;
    agg.set(k.name, a);
  }
  const total = [...agg.values()].reduce((a, b) => a + b.ms, 0);
  console.error("[bench] per-kernel time of one step:");
  for (const [name, a] of [...agg].sort((p, q) => q[1].ms - p[1].ms).slice(0, 20))
    console.error(
      `  ${name.padEnd(24)} ${a.ms.toFixed(0).padStart(7)} ms  ${((100 * a.ms) / total).toFixed(1).padStart(5)}%  ×${a.n}`,
    );
  // the same time by kernel and input shapes: which layer a kernel's time goes to
  const byShape = new Map<string, { ms: number; n: number }>();
  for (const k of prof.kernels) {
    const key = `${k.name} ${k.inputShapes.map((s) => `[${s?.join(",")}]`).join(" ")}`;
    const a = byShape.get(key) ?? { ms: 0, n: 0 };
    a.ms += Number(k.kernelTimeMs) || 0;
    a.n++;
    byShape.set(key, a);
  }
  console.error("[bench] top kernels by input shapes:");
  for (const [key, a] of [...byShape].sort((p, q) => q[1].ms - p[1].ms).slice(0, 25))
    console.error(`  ${a.ms.toFixed(0).padStart(7)} ms  ×${String(a.n).padEnd(3)} ${key}`);
}

let torchMsPerStep: number | null = null;
if (!values["no-torch"] && preset === "bench-stage1") {
  try {
    const script = path.join(import.meta.dirname, "bench", "torch_stage1.py");
    const out = execFileSync("/usr/bin/python3", [script, String(batch), String(steps), "2"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    torchMsPerStep = JSON.parse(out.trim().split("\n").pop() ?? "{}").torchMsPerStep ?? null;
    console.error(`[bench] PyTorch (2 threads): ${torchMsPerStep?.toFixed(0)} ms/step`);
  } catch (err) {
    const msg = err instanceof Error ? err.message.split("\n").find((l) => /Error/.test(l)) : String(err);
    console.error(
      `[bench] PyTorch reference skipped (${msg ?? "no torch"}; apt-get install -y python3-torch)`,
    );
  }
}
disposeInputs(fixed);
await dp?.close();
model.dispose();
optG.dispose();
optD.dispose();
console.log(
  JSON.stringify({
    backend: engine,
    batch,
    msPerStep: Math.round(msPerStep),
    gflopPerStep: Number(gflop.toFixed(1)),
    gflopsPerSec: Number(gflopsPerSec.toFixed(2)),
    torchMsPerStep: torchMsPerStep === null ? null : Math.round(torchMsPerStep),
    ratio: torchMsPerStep === null ? null : Number((msPerStep / torchMsPerStep).toFixed(2)),
  }),
);
