/**
 * The ONNX serving worker (a worker_threads entry): it owns the model version's InferenceSessions so a pass runs
 * off the server's JS thread. Plain JavaScript that imports onnxruntime-node only, so the same file runs under
 * tsx (tests, scripts) and under `next start` (the Turbopack build does not bundle it: engine-onnx-worker.ts
 * resolves it from process.cwd()). The protocol (every message carries the request id it answers):
 *   {id, kind: "load", files: {stage1, stage2?}, options}  → {id, kind: "loaded", inputs: {stage1, stage2?}}
 *   {id, kind: "run", stage, feeds: {name: {data, dims}}, output} → {id, kind: "result", data, dims}
 *   the same with rgb8PerImage: n                                 → {id, kind: "rgb8", images: [Uint8Array]}
 *   {id, kind: "crash", how: "throw" | "exit" | "hang"}            → the thread dies or hangs (fault drills, tests)
 *   any request that fails                                          → {id, kind: "error", message}
 * Float32Array buffers travel transferred, not copied, in both directions.
 */
import { parentPort } from "node:worker_threads";
import * as ort from "onnxruntime-node";
import { toRgb8 } from "./rgb8.mjs";

/** @type {Record<string, ort.InferenceSession>} */
const sessions = {};

/** input names and shapes, as plain data (the metadata objects do not survive structured cloning as-is) */
function inputsOf(session) {
  return session.inputMetadata.map((m) => ({ name: m.name, shape: m.isTensor ? [...m.shape] : [] }));
}

async function load({ files, options }) {
  for (const s of Object.values(sessions)) await s.release();
  for (const k of Object.keys(sessions)) delete sessions[k];
  const inputs = {};
  for (const [stage, file] of Object.entries(files)) {
    sessions[stage] = await ort.InferenceSession.create(file, options);
    inputs[stage] = inputsOf(sessions[stage]);
  }
  return { reply: { kind: "loaded", inputs }, transfer: [] };
}

async function run({ stage, feeds, output, rgb8PerImage }) {
  const session = sessions[stage];
  if (!session) throw new Error(`the worker has no ${stage} session loaded`);
  const tensors = {};
  for (const [name, { data, dims }] of Object.entries(feeds))
    tensors[name] = new ort.Tensor("float32", data, dims);
  const out = (await session.run(tensors))[output];
  if (!out) throw new Error(`the ${stage} graph has no output "${output}"`);
  if (rgb8PerImage) {
    const images = [];
    for (let i = 0; i < out.data.length; i += rgb8PerImage)
      images.push(toRgb8(out.data.subarray(i, i + rgb8PerImage)));
    return { reply: { kind: "rgb8", images }, transfer: images.map((im) => im.buffer) };
  }
  // an output that does not own its whole buffer is copied once here (off the main thread) before transfer
  let data = out.data;
  if (data.byteOffset !== 0 || data.byteLength !== data.buffer.byteLength) data = data.slice();
  return { reply: { kind: "result", data, dims: [...out.dims] }, transfer: [data.buffer] };
}

async function handle(msg) {
  try {
    const { reply, transfer } = msg.kind === "load" ? await load(msg) : await run(msg);
    parentPort.postMessage({ id: msg.id, ...reply }, transfer);
  } catch (err) {
    parentPort.postMessage({
      id: msg.id,
      kind: "error",
      message: err instanceof Error ? err.message : String(err),
    });
  }
}

parentPort.on("message", (msg) => {
  if (msg.kind !== "crash") return void handle(msg);
  // synchronously, so messages queued behind this one are never answered (as in a real crash)
  if (msg.how === "exit") process.exit(70);
  if (msg.how === "hang") for (;;);
  throw new Error("crash requested (fault drill)");
});
