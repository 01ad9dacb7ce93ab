/**
 * Data-parallel D and G steps over worker_threads: WASM threads are off in Node, so one wasm backend uses
 * one core; to use more, each worker holds a replica and computes the gradients of its shard of the batch
 * while the main thread computes the first shard. Gradients are averaged, the main thread's Adam applies
 * them, and the fresh weights go out with the next request, so replicas never drift.
 * BatchNorm statistics are per shard (as PyTorch DDP without SyncBN).
 */
import { Worker } from "node:worker_threads";
import * as tf from "@tensorflow/tfjs";
import type { GanConfig, GanModel } from "../gan";
import type { BackendChoice } from "../tensor";
import type { Adam } from "./adam";
import type { Batch } from "./batcher";
import type { WorkerReply, WorkerRequest } from "./grad-worker";
import {
  type DLosses,
  dGrads,
  disposeInputs,
  type GLosses,
  gGrads,
  type StepGrads,
  stepInputs,
} from "./steps";

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
}

export class DataParallel {
  private constructor(
    private readonly workers: GradWorker[],
    readonly config: GanConfig,
  ) {}

  /** Start `shards − 1` workers (the main thread computes one shard itself). */
  static async start(config: GanConfig, shards: number, backend?: BackendChoice): Promise<DataParallel> {
    // the worker entry is TypeScript: register tsx inside the worker before importing it
    const url = new URL("./grad-worker.ts", import.meta.url).href;
    const boot = `import("tsx/esm/api").then((m) => { m.register(); return import(${JSON.stringify(url)}); });`;
    const workers = Array.from(
      { length: Math.max(0, shards - 1) },
      () => new GradWorker(new Worker(boot, { eval: true })),
    );
    await Promise.all(workers.map((w) => w.request({ kind: "init", config, backend })));
    return new DataParallel(workers, config);
  }

  get shards(): number {
    return this.workers.length + 1;
  }

  private async run<L extends object>(
    kind: "d" | "g",
    model: GanModel,
    opt: Adam,
    batch: Batch,
    local: (m: GanModel, x: ReturnType<typeof stepInputs>) => StepGrads<L>,
  ): Promise<L> {
    const c = this.config;
    const parts = splitBatch(batch, this.shards, c);
    const weights: Record<string, Float32Array> = {};
    for (const [name, v] of model.namedTensors()) weights[name] = v.dataSync() as Float32Array;
    const remote = this.workers.map((w, i) => w.request({ kind, weights, batch: parts[i + 1] }));
    const x = stepInputs(parts[0], c.embDim, c.zDim, c.cDim);
    const mine = local(model, x);
    disposeInputs(x);
    const replies = (await Promise.all(remote)) as Extract<WorkerReply, { kind: "grads" }>[];
    // shard-size-weighted mean of gradients and losses
    const wts = parts.map((p) => p.size / batch.size);
    const grads = new Map<string, tf.Tensor>();
    for (const [name, g] of mine.grads) {
      const sum = tf.tidy(() =>
        replies.reduce(
          (acc, r, i) => acc.add(tf.tensor(r.grads[name], g.shape).mul(wts[i + 1])),
          g.mul(wts[0]),
        ),
      );
      grads.set(name, sum);
      g.dispose();
    }
    opt.apply(grads);
    tf.dispose([...grads.values()]);
    const losses = { ...mine.losses } as Record<string, number>;
    for (const k of Object.keys(losses))
      losses[k] = replies.reduce((acc, r, i) => acc + r.losses[k] * wts[i + 1], losses[k] * wts[0]);
    return losses as L;
  }

  dStep(model: GanModel, optD: Adam, batch: Batch): Promise<DLosses> {
    return this.run("d", model, optD, batch, (m, x) => dGrads(m, x));
  }

  gStep(model: GanModel, optG: Adam, batch: Batch): Promise<GLosses> {
    return this.run("g", model, optG, batch, gGrads);
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
  }
}
