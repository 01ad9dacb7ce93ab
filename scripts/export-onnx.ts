/**
 * npm run export:onnx -- --checkpoint DIR --out MODEL_VERSION_DIR [--name NAME] [--upsample subpixel|resize]
 * Writes a complete model version folder from a training checkpoint (or a run folder: its latest checkpoint):
 * model.json, checkpoint/ (generator weights + state.json, no optimiser or discriminator) and onnx/stage1.onnx
 * [+ stage2.onnx], then loads the export once with onnxruntime-node and checks it against TensorFlow.js.
 */
import path from "node:path";
import { loadEngine, loadTfjsEngine, writeModelVersionFolder } from "@/lib/serve";
import { parseCli } from "./lib/cli";

const USAGE = "usage: npm run export:onnx -- --checkpoint DIR --out MODEL_VERSION_DIR [--name NAME]";

const { values } = parseCli(
  {
    options: {
      checkpoint: { type: "string" },
      out: { type: "string" },
      name: { type: "string" },
      upsample: { type: "string", default: "subpixel" },
    },
  },
  USAGE,
);
if (!values.checkpoint || !values.out) {
  console.error(USAGE);
  process.exit(2);
}
const upsample = values.upsample;
if (upsample !== "subpixel" && upsample !== "resize") {
  console.error(`--upsample must be "subpixel" or "resize", not "${upsample}"`);
  process.exit(2);
}

const out = path.resolve(values.out);
const t0 = performance.now();
const manifest = await writeModelVersionFolder({
  checkpoint: values.checkpoint,
  out,
  name: values.name,
  upsample,
});
console.log(`wrote ${out} (stage ${manifest.stage}) in ${Math.round(performance.now() - t0)} ms`);
for (const [f, sha] of Object.entries((manifest.source?.onnxSha256 ?? {}) as Record<string, string>))
  console.log(`  onnx/${f}  sha256 ${sha}`);

// a smoke check of what serving will load: same inputs through ONNX and tfjs
const onnx = await loadEngine(out);
const tfjs = await loadTfjsEngine(path.join(out, "checkpoint"));
const { embDim, zDim, cDim } = onnx.info;
const row = (n: number, k: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 1.7 + k));
const items = [0, 1].map((k) => ({ emb: row(embDim, k), z: row(zDim, k + 2), eps: row(cDim, k + 4) }));
const [a, b] = await Promise.all([onnx.stage1(items), tfjs.stage1(items)]);
let diff = 0;
a.forEach((x, i) => {
  x.next.image64.forEach((v, j) => {
    diff = Math.max(diff, Math.abs(v - b[i].next.image64[j]));
  });
});
console.log(`engine ${onnx.info.kind}; Stage-I max |onnx − tfjs| = ${diff.toExponential(2)}`);
await Promise.all([onnx.dispose(), tfjs.dispose()]);
if (onnx.info.kind !== "onnx" || diff > 1e-4) {
  console.error("The export does not reproduce the checkpoint (limit 1e-4): do not promote it.");
  process.exit(1);
}
