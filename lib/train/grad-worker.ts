/**
 * A data-parallel gradient worker (worker_threads): its own tfjs backend (one wasm backend uses one core),
 * a replica of the model, and no optimiser. Per step it loads the current weights from shared memory,
 * runs the generator forward once on its shard, hands over its D gradients, blocks until the main thread
 * has published the averaged D update, then computes its G gradients on the same forward pass
 * (see lib/train/shared-step.ts for the protocol).
 */
import { parentPort } from "node:worker_threads";
import * as tf from "@tensorflow/tfjs";
import { type GanConfig, GanModel } from "../gan";
import { type BackendChoice, initBackend, loadNativeConv } from "../tensor";
import {
  D_LOSS_KEYS,
  G_LOSS_KEYS,
  type Layout,
  layoutOf,
  PHASE_D,
  PHASE_ERROR,
  PHASE_G,
  readBatch,
  readEntry,
  type SharedStepBuffers,
  signal,
  waitFor,
  writeError,
} from "./shared-step";
import { dgGrads, disposeInputs, type StepGrads, stepInputs } from "./steps";

export type WorkerRequest =
  | {
      kind: "init";
      config: GanConfig;
      backend?: BackendChoice;
      shared: SharedStepBuffers;
      rank: number;
      /** threads for this worker's native convolutions */
      threads: number;
    }
  /** run step `seq` on the first `rows` rows of this worker's shared batch */
  | { kind: "dg"; seq: number; rows: number; timeoutMs: number }
  | { kind: "memory" };

export type WorkerReply =
  | { kind: "ready"; backend: string; weights: number }
  /** live tensors and their bytes in this worker's backend (tests assert they stay flat) */
  | { kind: "memory"; numTensors: number; numBytes: number }
  | { kind: "error"; message: string };

interface State {
  model: GanModel;
  shared: SharedStepBuffers;
  rank: number;
  weights: Layout;
  dGrads: Layout;
  gGrads: Layout;
}
let state: State | null = null;

/** Load named tensors from the shared weights (only those `only` names, if given). */
function load(s: State, only?: Map<string, tf.Variable>): void {
  const src = new Float32Array(s.shared.weights);
  const vars = s.model.namedTensors();
  for (const e of s.weights.entries) {
    if (only && !only.has(e.name)) continue;
    const v = vars.get(e.name) as tf.Variable;
    // assign() takes its own reference: the temporary must still be freed, or every step leaks a copy
    const t = tf.tensor(readEntry(src, e), v.shape);
    v.assign(t);
    t.dispose();
  }
}

/** Write gradients by layout (a missing gradient is zero), then free them. */
function put(dst: Float32Array, layout: Layout, base: number, g: StepGrads<unknown>): void {
  for (const e of layout.entries) {
    const t = g.grads.get(e.name);
    if (t) dst.set(t.dataSync() as Float32Array, base + e.offset);
    else dst.fill(0, base + e.offset, base + e.offset + e.size);
  }
  tf.dispose([...g.grads.values()]);
}

function step(s: State, seq: number, rows: number, timeoutMs: number): void {
  const control = new Int32Array(s.shared.control);
  const grads = new Float32Array(s.shared.grads[s.rank - 1]);
  const losses = new Float64Array(s.shared.losses[s.rank - 1]);
  load(s);
  const x = stepInputs(
    readBatch(s.shared.batches[s.rank - 1], rows, s.shared.dims),
    s.shared.dims.embDim,
    s.model.config.zDim,
    s.model.config.cDim,
  );
  try {
    // running statistics are the main replica's business: workers never update them
    const r = dgGrads(
      s.model,
      x,
      (d) => {
        put(grads, s.dGrads, 0, d);
        D_LOSS_KEYS.forEach((k, i) => {
          losses[i] = d.losses[k];
        });
        signal(control, s.rank, 4 * seq + PHASE_D);
        const v = waitFor(control, 0, (c) => c === seq || c === -seq, timeoutMs, "the main thread");
        if (v === -seq) throw new Error("the main thread gave this step up");
        load(s, s.model.stores.d?.trainable);
        return d.losses;
      },
      false,
    );
    put(grads, s.gGrads, s.dGrads.total, r.g);
    G_LOSS_KEYS.forEach((k, i) => {
      losses[D_LOSS_KEYS.length + i] = r.g.losses[k] ?? 0;
    });
    signal(control, s.rank, 4 * seq + PHASE_G);
  } finally {
    disposeInputs(x);
  }
}

async function handle(msg: WorkerRequest): Promise<WorkerReply | null> {
  if (msg.kind === "init") {
    const info = await initBackend({ force: msg.backend, log: () => {} });
    if (info.nativeConv) loadNativeConv()?.setThreads(msg.threads);
    const model = new GanModel(msg.config, { seed: msg.config.train.seed, withDiscriminator: true });
    state = {
      model,
      shared: msg.shared,
      rank: msg.rank,
      weights: layoutOf(model.namedTensors()),
      dGrads: layoutOf(model.stores.d?.trainable ?? new Map()),
      gGrads: layoutOf(model.trainedG.trainable),
    };
    return { kind: "ready", backend: info.description, weights: state.weights.total };
  }
  if (msg.kind === "memory") {
    const mem = tf.memory();
    return { kind: "memory", numTensors: mem.numTensors, numBytes: mem.numBytes };
  }
  const s = state;
  if (!s) throw new Error("worker used before init");
  try {
    step(s, msg.seq, msg.rows, msg.timeoutMs);
  } catch (err) {
    writeError(s.shared.errors[s.rank - 1], err instanceof Error ? err.message : String(err));
    signal(new Int32Array(s.shared.control), s.rank, 4 * msg.seq + PHASE_ERROR);
  }
  return null;
}

parentPort?.on("message", (msg: WorkerRequest) => {
  handle(msg).then(
    (reply) => {
      if (reply) parentPort?.postMessage(reply);
    },
    (err: unknown) =>
      parentPort?.postMessage({ kind: "error", message: err instanceof Error ? err.message : String(err) }),
  );
});
