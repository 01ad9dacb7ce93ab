/**
 * Data-parallel training steps over worker_threads: WASM threads are off in Node, so one wasm backend uses
 * one core; to use more, each worker holds a replica and computes the gradients of its shard of the batch
 * while the main thread computes the first shard. Like the single-process dgStep, each shard runs the
 * generator forward once per step: D gradients are averaged and applied mid-step (the shards wait for it on
 * shared memory, lib/train/shared-step.ts), then every shard computes its G gradients on the same fakes,
 * which are averaged and applied. Fresh weights go out through shared memory every step, so replicas never
 * drift. BatchNorm statistics are per shard (as PyTorch DDP without SyncBN); the main shard's update the
 * running statistics.
 */
import os from "node:os";
import { Worker } from "node:worker_threads";
import * as tf from "@tensorflow/tfjs";
import type { GanConfig, GanModel } from "../gan";
import { activeBackend, type BackendChoice, loadNativeConv } from "../tensor";
import type { Adam } from "./adam";
import type { Batch } from "./batcher";
import { AUG_PER_IMAGE } from "./diff-augment";
import type { WorkerReply, WorkerRequest } from "./grad-worker";
import {
  allocateShared,
  D_LOSS_KEYS,
  G_LOSS_KEYS,
  type Layout,
  layoutOf,
  PHASE_D,
  PHASE_ERROR,
  PHASE_G,
  readEntry,
  readError,
  type SharedStepBuffers,
  signal,
  waitFor,
  writeBatch,
  writeTensors,
} from "./shared-step";
import {
  applyAndFree,
  type DLosses,
  dgGrads,
  disposeInputs,
  type GLosses,
  type NoDLosses,
  type StepGrads,
  stepInputs,
} from "./steps";

/** how long one phase of a step may wait for another thread before the step fails */
const PHASE_TIMEOUT_MS = 30 * 60_000;

/** Split a batch into `n` contiguous shards (sizes differ by at most one). */
export function splitBatch(
  b: Batch,
  n: number,
  dims: { embDim: number; zDim: number; cDim: number },
): Batch[] {
  const px = b.imageSize * b.imageSize * 3;
  const out: Batch[] = [];
  let start = 0;
  for (let i = 0; i < n; i++) {
    const size = Math.floor(b.size / n) + (i < b.size % n ? 1 : 0);
    const end = start + size;
    out.push({
      size,
      imageSize: b.imageSize,
      images: b.images.slice(start * px, end * px),
      right: b.right.slice(start * dims.embDim, end * dims.embDim),
      wrong: b.wrong.slice(start * dims.embDim, end * dims.embDim),
      z: b.z.slice(start * dims.zDim, end * dims.zDim),
      eps: b.eps.slice(start * dims.cDim, end * dims.cDim),
      aug: b.aug.slice(start * AUG_PER_IMAGE, end * AUG_PER_IMAGE),
    });
    start = end;
  }
  return out;
}

class GradWorker {
  private pending: ((r: WorkerReply) => void) | null = null;
  constructor(readonly worker: Worker) {
    worker.on("message", (r: WorkerReply) => {
      const p = this.pending;
      this.pending = null;
      p?.(r);
    });
    worker.on("error", (err) => this.pending?.({ kind: "error", message: err.message }));
  }
  request(msg: WorkerRequest): Promise<WorkerReply> {
    return new Promise((resolve, reject) => {
      this.pending = (r) =>
        r.kind === "error" ? reject(new Error(`gradient worker: ${r.message}`)) : resolve(r);
      this.worker.postMessage(msg);
    });
  }
  post(msg: WorkerRequest): void {
    this.worker.postMessage(msg);
  }
}

interface Layouts {
  weights: Layout;
  /** the discriminator's trainable entries of `weights` (republished mid-step) */
  dInWeights: Layout;
  d: Layout;
  g: Layout;
}

export class DataParallel {
  private seq = 0;
  private readonly control: Int32Array;
  private layouts: Layouts | null = null;

  private constructor(
    private readonly workers: GradWorker[],
    readonly config: GanConfig,
    private readonly shared: SharedStepBuffers,
  ) {
    this.control = new Int32Array(shared.control);
  }

  /** Start `shards − 1` workers (the main thread computes one shard itself). */
  /** Start `shards - 1` workers, each with a replica of `model` (the main thread is the first shard). */
  static async start(model: GanModel, shards: number, backend?: BackendChoice): Promise<DataParallel> {
    const { config } = model;
    // the worker entry is TypeScript: register tsx inside the worker before importing it
    const url = new URL("./grad-worker.ts", import.meta.url).href;
    const boot = `import("tsx/esm/api").then((m) => { m.register(); return import(${JSON.stringify(url)}); });`;
    const n = Math.max(0, shards - 1);
    const sizes = {
      weights: layoutOf(model.namedTensors()).total,
      dGrads: layoutOf(model.stores.d?.trainable ?? new Map()).total,
      gGrads: layoutOf(model.trainedG.trainable).total,
    };
    const imageSize = config.stage === 1 ? 64 : 256;
    const dims = { imageSize, embDim: config.embDim, zDim: config.zDim, cDim: config.cDim };
    const shared = allocateShared(n, sizes, Math.ceil(config.train.batchSize / Math.max(1, shards)), dims);
    const workers = Array.from({ length: n }, () => new GradWorker(new Worker(boot, { eval: true })));
    // native convolutions use a team of threads each: share the cores between the shards
    const threads = Math.max(1, Math.floor(os.cpus().length / (n + 1)));
    if (activeBackend()?.nativeConv) loadNativeConv()?.setThreads(threads);
    const replies = await Promise.all(
      workers.map((w, i) => w.request({ kind: "init", config, backend, shared, rank: i + 1, threads })),
    );
    for (const r of replies)
      if (r.kind !== "ready" || r.weights !== sizes.weights)
        throw new Error("gradient worker built a model of another shape than the main thread's");
    return new DataParallel(workers, config, shared);
  }

  get shards(): number {
    return this.workers.length + 1;
  }

  private layoutsOf(model: GanModel): Layouts {
    if (!this.layouts) {
      const dVars = model.stores.d?.trainable ?? new Map<string, tf.Variable>();
      const weights = layoutOf(model.namedTensors());
      this.layouts = {
        weights,
        dInWeights: { entries: weights.entries.filter((e) => dVars.has(e.name)), total: 0 },
        d: layoutOf(dVars),
        g: layoutOf(model.trainedG.trainable),
      };
    }
    return this.layouts;
  }

  /** Wait until every worker reached `phase` of step `seq`; a worker's failure fails the step. */
  private awaitWorkers(seq: number, phase: number): void {
    this.workers.forEach((_, i) => {
      const r = i + 1;
      const v = waitFor(
        this.control,
        r,
        (c) => c === 4 * seq + phase || c === 4 * seq + PHASE_ERROR,
        PHASE_TIMEOUT_MS,
        `gradient worker ${r}`,
      );
      if (v === 4 * seq + PHASE_ERROR)
        throw new Error(`gradient worker ${r}: ${readError(this.shared.errors[i])}`);
    });
  }

  /** Shard-size-weighted mean of this shard's gradients and the workers' (read from shared memory). */
  private average(
    mine: StepGrads<unknown>,
    layout: Layout,
    base: number,
    wts: number[],
  ): Map<string, tf.Tensor> {
    const views = this.shared.grads.map((b) => new Float32Array(b));
    const out = new Map<string, tf.Tensor>();
    for (const e of layout.entries) {
      const g = mine.grads.get(e.name);
      if (!g) continue;
      const at = { ...e, offset: base + e.offset };
      out.set(
        e.name,
        tf.tidy(() =>
          views.reduce(
            (acc, v, i) => acc.add(tf.tensor(readEntry(v, at), g.shape).mul(wts[i + 1])),
            g.mul(wts[0]),
          ),
        ),
      );
    }
    tf.dispose([...mine.grads.values()]);
    return out;
  }

  private averageLosses<L extends Partial<Record<K, number>>, K extends string>(
    mine: L,
    keys: readonly K[],
    at: number,
    wts: number[],
  ): L {
    const out = { ...mine };
    keys.forEach((k, j) => {
      // a loss this run does not have (recon outside Stage-II warm starts) stays absent
      if (!(k in mine)) return;
      (out as Record<K, number>)[k] = this.shared.losses.reduce(
        (acc, b, i) => acc + new Float64Array(b)[at + j] * wts[i + 1],
        (mine[k] as number) * wts[0],
      );
    });
    return out;
  }

  /**
   * One D update then one G update over all shards, each shard running the generator forward once
   * (the data-parallel dgStep). Blocks the calling thread for the step.
   */
  dgStep(model: GanModel, optD: Adam, optG: Adam, batch: Batch): (DLosses | NoDLosses) & GLosses {
    const L = this.layoutsOf(model);
    const seq = ++this.seq;
    const parts = splitBatch(batch, this.shards, this.config);
    const wts = parts.map((p) => p.size / batch.size);
    const weights = new Float32Array(this.shared.weights);
    const named = model.namedTensors();
    writeTensors(weights, L.weights, (name) => named.get(name)?.dataSync() as Float32Array);
    this.workers.forEach((w, i) => {
      writeBatch(this.shared.batches[i], parts[i + 1], this.shared.dims);
      w.post({ kind: "dg", seq, rows: parts[i + 1].size, timeoutMs: PHASE_TIMEOUT_MS });
    });
    const x = stepInputs(parts[0], this.config.embDim, this.config.zDim, this.config.cDim);
    try {
      const r = dgGrads(model, x, (mine) => {
        this.awaitWorkers(seq, PHASE_D);
        const d = this.averageLosses(mine.losses, D_LOSS_KEYS, 0, wts);
        applyAndFree(optD, { grads: this.average(mine, L.d, 0, wts), losses: d });
        const dVars = model.stores.d?.trainable ?? new Map<string, tf.Variable>();
        writeTensors(weights, L.dInWeights, (name) => dVars.get(name)?.dataSync() as Float32Array);
        signal(this.control, 0, seq);
        return d;
      });
      this.awaitWorkers(seq, PHASE_G);
      const g = this.averageLosses(r.g.losses, G_LOSS_KEYS, D_LOSS_KEYS.length, wts);
      applyAndFree(optG, { grads: this.average(r.g, L.g, L.d.total, wts), losses: g });
      return { ...r.d, ...g };
    } catch (err) {
      // release workers still waiting for the D update
      signal(this.control, 0, -seq);
      throw err;
    } finally {
      disposeInputs(x);
    }
  }

  /** live tensors and bytes held by each worker's backend (a leak shows as growth between steps) */
  async workerMemory(): Promise<{ numTensors: number; numBytes: number }[]> {
    const replies = await Promise.all(this.workers.map((w) => w.request({ kind: "memory" })));
    return replies.map((r) => {
      if (r.kind !== "memory") throw new Error(`gradient worker answered ${r.kind} to a memory request`);
      return { numTensors: r.numTensors, numBytes: r.numBytes };
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
    if (activeBackend()?.nativeConv) loadNativeConv()?.setThreads(os.cpus().length);
  }
}
