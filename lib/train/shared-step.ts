/**
 * Shared memory for one data-parallel training step (SharedArrayBuffer + Atomics), used by the main thread
 * (lib/train/data-parallel.ts) and the gradient workers (lib/train/grad-worker.ts).
 *
 * The step needs a rendezvous in the middle: every shard's D gradients must be averaged and applied before
 * any shard computes its G loss, and the G forward pass must stay on the gradient tape across that wait
 * (that is what saves a second generator pass). A tape only lives inside a synchronous variableGrads closure,
 * so the wait cannot be an `await`: both sides block on Atomics.wait instead, and all data moves through
 * shared buffers rather than messages.
 *
 * Control words (Int32): [0] = sequence number of the step whose averaged D update is published (−seq:
 * the main thread gave the step up); [r] for worker r ≥ 1 = 4·seq + phase, phase 1 = D gradients written,
 * 2 = G gradients written, 3 = failed (message in the worker's error bytes).
 */
import type * as tf from "@tensorflow/tfjs";
import type { Batch } from "./batcher";
import { AUG_PER_IMAGE } from "./diff-augment";

export const PHASE_D = 1;
export const PHASE_G = 2;
export const PHASE_ERROR = 3;

/** where each named tensor lives in a flat Float32 buffer */
export interface Layout {
  entries: { name: string; offset: number; size: number }[];
  total: number;
}

export function layoutOf(tensors: Map<string, tf.Tensor>): Layout {
  const entries: Layout["entries"] = [];
  let total = 0;
  for (const [name, t] of tensors) {
    entries.push({ name, offset: total, size: t.size });
    total += t.size;
  }
  return { entries, total };
}

export interface BatchDims {
  imageSize: number;
  embDim: number;
  zDim: number;
  cDim: number;
}

/** Float32 elements of one shard of at most `rows` rows */
function batchFields(rows: number, d: BatchDims) {
  const px = d.imageSize * d.imageSize * 3;
  return {
    images: rows * px,
    right: rows * d.embDim,
    wrong: rows * d.embDim,
    z: rows * d.zDim,
    eps: rows * d.cDim,
    aug: rows * AUG_PER_IMAGE,
  };
}

/** The buffers of one data-parallel group: sent once to every worker at start. */
export interface SharedStepBuffers {
  control: SharedArrayBuffer;
  /** every named tensor of the model (weights and running statistics) */
  weights: SharedArrayBuffer;
  /** per worker: its D gradients then its G gradients, by the trainable layouts */
  grads: SharedArrayBuffer[];
  /** per worker: its shard of the batch */
  batches: SharedArrayBuffer[];
  /** per worker: D_LOSS_KEYS then G_LOSS_KEYS (Float64; 0 for a term the run does not have) */
  losses: SharedArrayBuffer[];
  /** per worker: a UTF-8 error message */
  errors: SharedArrayBuffer[];
  maxRows: number;
  dims: BatchDims;
}

export const D_LOSS_KEYS = ["d", "dReal", "dWrong", "dFake"] as const;
export const G_LOSS_KEYS = [
  "g",
  "gAdv",
  "kl",
  "recon",
  "layout",
  "content",
  "anchor",
  "edge",
  "modeSeek",
] as const;
const ERROR_BYTES = 4096;

export function allocateShared(
  workers: number,
  sizes: { weights: number; dGrads: number; gGrads: number },
  maxRows: number,
  dims: BatchDims,
): SharedStepBuffers {
  const f = batchFields(maxRows, dims);
  const batchFloats = f.images + f.right + f.wrong + f.z + f.eps + f.aug;
  const each = (bytes: number) => Array.from({ length: workers }, () => new SharedArrayBuffer(bytes));
  return {
    control: new SharedArrayBuffer(4 * (workers + 1)),
    weights: new SharedArrayBuffer(4 * sizes.weights),
    grads: each(4 * (sizes.dGrads + sizes.gGrads)),
    batches: each(4 * batchFloats),
    losses: each(8 * (D_LOSS_KEYS.length + G_LOSS_KEYS.length)),
    errors: each(ERROR_BYTES),
    maxRows,
    dims,
  };
}

/** Copy tensors' values into a flat buffer by layout (values come from dataSync, one copy each). */
export function writeTensors(
  dst: Float32Array,
  layout: Layout,
  values: (name: string) => Float32Array,
): void {
  for (const e of layout.entries) dst.set(values(e.name).subarray(0, e.size), e.offset);
}

export function readEntry(src: Float32Array, e: Layout["entries"][number]): Float32Array {
  return src.subarray(e.offset, e.offset + e.size);
}

export function writeBatch(buf: SharedArrayBuffer, b: Batch, dims: BatchDims): void {
  const f = batchFields(b.size, dims);
  const dst = new Float32Array(buf);
  let o = 0;
  for (const [k, n] of Object.entries(f) as [keyof typeof f, number][]) {
    dst.set(b[k].subarray(0, n), o);
    o += n;
  }
}

/** The shard of `rows` rows in `buf` (views, no copy). */
export function readBatch(buf: SharedArrayBuffer, rows: number, dims: BatchDims): Batch {
  const f = batchFields(rows, dims);
  const src = new Float32Array(buf);
  const out = { size: rows, imageSize: dims.imageSize } as Batch;
  let o = 0;
  for (const [k, n] of Object.entries(f) as [keyof typeof f, number][]) {
    out[k] = src.subarray(o, o + n);
    o += n;
  }
  return out;
}

export function writeError(buf: SharedArrayBuffer, message: string): void {
  const bytes = new TextEncoder().encode(message).subarray(0, ERROR_BYTES - 4);
  new Int32Array(buf, 0, 1)[0] = bytes.length;
  new Uint8Array(buf, 4).set(bytes);
}

export function readError(buf: SharedArrayBuffer): string {
  const n = new Int32Array(buf, 0, 1)[0];
  return new TextDecoder().decode(new Uint8Array(buf, 4, n).slice());
}

/** Publish `value` in control word `index` and wake whoever waits on it. */
export function signal(control: Int32Array, index: number, value: number): void {
  Atomics.store(control, index, value);
  Atomics.notify(control, index);
}

/**
 * Block until control word `index` leaves the values `accept` does not like: returns the value `accept`
 * returned true for. Fails after `timeoutMs` (a worker that died mid-step cannot answer).
 */
export function waitFor(
  control: Int32Array,
  index: number,
  accept: (v: number) => boolean,
  timeoutMs: number,
  what: string,
): number {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = Atomics.load(control, index);
    if (accept(v)) return v;
    const left = deadline - Date.now();
    if (left <= 0)
      throw new Error(`data-parallel step: no answer from ${what} in ${Math.round(timeoutMs / 1000)} s`);
    Atomics.wait(control, index, v, Math.min(left, 1000));
  }
}
