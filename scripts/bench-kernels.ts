/**
 * Per-kernel CPU times of the conv layers of bench-stage1 (batch 64) on the active backend:
 * Conv2D (forward), Conv2DBackpropInput (dx), Conv2DBackpropFilter (dW), each with its GFLOP/s, plus a plain
 * MatMul of the same GEMM size (the ceiling a GEMM-based kernel could reach).
 *   npm run bench:kernels [-- --batch 64 --reps 2 --only g1,d2]
 */
import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../lib/tensor";

const { values } = parseArgs({
  options: {
    batch: { type: "string", default: "64" },
    reps: { type: "string", default: "2" },
    only: { type: "string" },
  },
});
const B = Number(values.batch);
const reps = Number(values.reps);

interface Layer {
  name: string;
  hw: number;
  ci: number;
  co: number;
  k: number;
  s: number;
  pad: "same" | "valid";
}
const LAYERS: Layer[] = [
  { name: "g1 8²·512→256 3×3", hw: 8, ci: 512, co: 256, k: 3, s: 1, pad: "same" },
  { name: "g2 16²·256→128 3×3", hw: 16, ci: 256, co: 128, k: 3, s: 1, pad: "same" },
  { name: "g3 32²·128→64 3×3", hw: 32, ci: 128, co: 64, k: 3, s: 1, pad: "same" },
  { name: "g4 64²·64→32 3×3", hw: 64, ci: 64, co: 32, k: 3, s: 1, pad: "same" },
  { name: "gout 64²·32→3 3×3", hw: 64, ci: 32, co: 3, k: 3, s: 1, pad: "same" },
  { name: "d1 64²·3→64 4×4/2", hw: 64, ci: 3, co: 64, k: 4, s: 2, pad: "same" },
  { name: "d2 32²·64→128 4×4/2", hw: 32, ci: 64, co: 128, k: 4, s: 2, pad: "same" },
  { name: "d3 16²·128→256 4×4/2", hw: 16, ci: 128, co: 256, k: 4, s: 2, pad: "same" },
  { name: "d4 8²·256→512 4×4/2", hw: 8, ci: 256, co: 512, k: 4, s: 2, pad: "same" },
  { name: "joint 4²·640→512 1×1", hw: 4, ci: 640, co: 512, k: 1, s: 1, pad: "same" },
];

/** process CPU time in ms: on a shared machine it is steadier than wall time for one-thread kernels */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** best of `reps` CPU times (ms) of one kernel call, after one warm-up call */
function time(fn: () => tf.Tensor): number {
  tf.dispose(fn()); // warm-up: operator creation, weight packing
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < reps; i++) {
    const t = cpuMs();
    const out = fn();
    out.dataSync();
    best = Math.min(best, cpuMs() - t);
    out.dispose();
  }
  return best;
}

const backend = await initBackend();
console.log(`backend ${backend.description}, batch ${B}, best of ${reps}, process CPU ms (GFLOP/s)`);
console.log(
  "layer".padEnd(24),
  "GFLOP".padStart(6),
  "  fwd ms (GF/s)   dx ms (GF/s)    dW ms (GF/s)    gemm ms (GF/s)",
);
const only = values.only?.split(",");
const totals = { fwd: 0, dx: 0, dw: 0, gemm: 0 };
for (const l of LAYERS) {
  if (only && !only.some((o) => l.name.startsWith(`${o} `))) continue;
  const x = tf.randomNormal([B, l.hw, l.hw, l.ci]) as tf.Tensor4D;
  const w = tf.randomNormal([l.k, l.k, l.ci, l.co], 0, 0.02) as tf.Tensor4D;
  const y = tf.conv2d(x, w, l.s, l.pad);
  const dy = tf.randomNormal(y.shape) as tf.Tensor4D;
  const [, oh, ow] = y.shape;
  const m = B * oh * ow;
  const kk = l.k * l.k * l.ci;
  const gflop = (2 * m * kk * l.co) / 1e9;
  const a = tf.randomNormal([m, kk]) as tf.Tensor2D;
  const bm = tf.randomNormal([kk, l.co]) as tf.Tensor2D;
  const fwd = time(() => tf.conv2d(x, w, l.s, l.pad));
  const dx = time(() => tf.conv2dTranspose(dy, w, x.shape, l.s, l.pad));
  const dw = time(
    () =>
      tf.engine().runKernel(
        "Conv2DBackpropFilter",
        { x, dy },
        {
          strides: [l.s, l.s],
          pad: l.pad,
          dataFormat: "NHWC",
          filterShape: w.shape,
        },
      ) as tf.Tensor,
  );
  const gemm = time(() => tf.matMul(a, bm));
  totals.fwd += fwd;
  totals.dx += dx;
  totals.dw += dw;
  totals.gemm += gemm;
  const f = (ms: number) => `${ms.toFixed(1).padStart(7)} (${(gflop / (ms / 1000)).toFixed(0).padStart(4)})`;
  console.log(l.name.padEnd(24), gflop.toFixed(2).padStart(6), f(fwd), f(dx), f(dw), f(gemm));
  tf.dispose([x, w, y, dy, a, bm]);
}
console.log(
  `totals (ms): fwd ${totals.fwd.toFixed(0)}, dx ${totals.dx.toFixed(0)}, dW ${totals.dw.toFixed(0)}, gemm ${totals.gemm.toFixed(0)}`,
);
