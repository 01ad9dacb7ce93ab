/**
 * A data-parallel gradient worker (worker_threads): its own tfjs backend (one wasm backend uses one core),
 * a replica of the model, and no optimiser. Per message it loads the current weights, computes the D or G
 * gradients of its shard of the batch, and posts them back by parameter name.
 */
import { parentPort } from "node:worker_threads";
import * as tf from "@tensorflow/tfjs";
import { type GanConfig, GanModel } from "../gan";
import { type BackendChoice, initBackend } from "../tensor";
import type { Batch } from "./batcher";
import { dGrads, disposeInputs, gGrads, stepInputs } from "./steps";

export type WorkerRequest =
  | { kind: "init"; config: GanConfig; backend?: BackendChoice }
  | { kind: "d" | "g"; weights: Record<string, Float32Array>; batch: Batch }
  | { kind: "memory" };

export type WorkerReply =
  | { kind: "ready"; backend: string }
  | { kind: "grads"; grads: Record<string, Float32Array>; losses: Record<string, number> }
  /** live tensors and their bytes in this worker's backend (tests assert they stay flat) */
  | { kind: "memory"; numTensors: number; numBytes: number }
  | { kind: "error"; message: string };

let model: GanModel | null = null;

async function handle(msg: WorkerRequest): Promise<WorkerReply> {
  if (msg.kind === "init") {
    const info = await initBackend({ force: msg.backend, log: () => {} });
    model = new GanModel(msg.config, { seed: msg.config.train.seed, withDiscriminator: true });
    return { kind: "ready", backend: info.description };
  }
  if (msg.kind === "memory") {
    const mem = tf.memory();
    return { kind: "memory", numTensors: mem.numTensors, numBytes: mem.numBytes };
  }
  const m = model;
  if (!m) throw new Error("worker used before init");
  for (const [name, v] of m.namedTensors()) {
    const w = msg.weights[name];
    if (!w) continue;
    // assign() shares the tensor's data and takes a reference of its own: the tensor must still be freed,
    // or every step leaks a full copy of the weights until the wasm heap overflows ("memory access out of
    // bounds" after a few hundred steps)
    const t = tf.tensor(w, v.shape);
    v.assign(t);
    t.dispose();
  }
  const c = m.config;
  const x = stepInputs(msg.batch, c.embDim, c.zDim, c.cDim);
  // running statistics are the main replica's business: workers never update them
  const r = msg.kind === "d" ? dGrads(m, x, false) : gGrads(m, x);
  disposeInputs(x);
  const grads: Record<string, Float32Array> = {};
  for (const [name, g] of r.grads) grads[name] = g.dataSync() as Float32Array;
  tf.dispose([...r.grads.values()]);
  return { kind: "grads", grads, losses: r.losses as unknown as Record<string, number> };
}

parentPort?.on("message", (msg: WorkerRequest) => {
  handle(msg).then(
    (reply) => {
      const transfer =
        reply.kind === "grads" ? Object.values(reply.grads).map((a) => a.buffer as ArrayBuffer) : [];
      parentPort?.postMessage(reply, transfer);
    },
    (err: unknown) =>
      parentPort?.postMessage({ kind: "error", message: err instanceof Error ? err.message : String(err) }),
  );
});
