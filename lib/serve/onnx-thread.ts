/**
 * One worker thread that owns a model version's ONNX sessions (lib/serve/onnx-worker.mjs), seen from the
 * server's thread as an OnnxRunner: calls become messages, inputs and outputs travel as transferred buffers.
 * The worker starts on the first call (or `start()`), loads the sessions, and is kept. If it dies (an uncaught
 * error, a native abort, an exit), every call waiting on it rejects with an error that says so, and the next
 * call starts a fresh worker that loads the sessions again. A pass that gets no answer within `passTimeoutMs`
 * (a hung worker) is treated the same way: the worker is terminated and its calls fail with a clear error.
 * `dispose()` terminates it for good.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { Worker } from "node:worker_threads";
import type * as ort from "onnxruntime-node";
import type { OnnxFeed, OnnxRunner, OnnxStage } from "./engine-onnx";
import type { OnnxInputShape } from "./onnx-version-files";

export interface OnnxThreadLoad {
  files: Partial<Record<OnnxStage, string>> & { stage1: string };
  /** applied inside the worker (intra-op threads from GANVAS_ORT_THREADS among them) */
  options: ort.InferenceSession.SessionOptions;
}

export type OnnxThreadInputs = Partial<Record<OnnxStage, OnnxInputShape[]>> & { stage1: OnnxInputShape[] };

type Reply =
  | { id: number; kind: "loaded"; inputs: OnnxThreadInputs }
  | { id: number; kind: "result"; data: Float32Array; dims: number[] }
  | { id: number; kind: "rgb8"; images: Uint8Array[] }
  | { id: number; kind: "error"; message: string };

interface Pending {
  resolve: (r: Reply) => void;
  reject: (err: Error) => void;
}

/**
 * The worker entry, from the repository root: the app, its scripts and tests always run from there, and a
 * file path (not a bundled module) is what survives both tsx and the Next.js (Turbopack) server build.
 */
export function onnxWorkerFile(): string {
  return path.join(process.cwd(), "lib", "serve", "onnx-worker.mjs");
}

export class OnnxThread implements OnnxRunner {
  private worker: Worker | null = null;
  private loaded: Promise<OnnxThreadInputs> | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private disposed = false;
  /** workers started so far (1 + restarts after crashes) */
  starts = 0;
  /** why the last worker died, when one did */
  lastCrash: string | null = null;

  constructor(
    private readonly load: OnnxThreadLoad,
    private readonly file: string = onnxWorkerFile(),
    /** a pass this late means a hung worker (a 16-image Stage-II batch takes about a second) */
    private readonly passTimeoutMs = 60_000,
  ) {}

  /** the running worker's thread id; null before the first call, after a crash and after dispose */
  get threadId(): number | null {
    return this.worker?.threadId ?? null;
  }

  /** Start a worker when none runs and load the sessions in it; resolves with the graphs' inputs. */
  start(): Promise<OnnxThreadInputs> {
    if (this.disposed)
      return Promise.reject(
        new Error("This ONNX engine was disposed (its model version is no longer served)."),
      );
    if (this.loaded) return this.loaded;
    if (!existsSync(this.file))
      return Promise.reject(
        new Error(`The ONNX worker file ${this.file} is missing: run the server from the repository root.`),
      );
    // a plain .mjs entry: no loader flags (tsx under scripts and tests) needed, and none slowing its start
    const w = new Worker(this.file, { name: "ganvas-onnx", execArgv: [] });
    this.worker = w;
    this.starts++;
    w.on("message", (r: Reply) => this.settle(r));
    w.on("error", (err) => this.fail(w, `crashed (${err.message})`));
    w.on("exit", (code) => this.fail(w, `exited with code ${code}`));
    const loaded = this.request(w, { kind: "load", ...this.load }, []).then((r) => {
      if (r.kind !== "loaded") throw new Error(`ONNX worker: unexpected reply ${r.kind} to load`);
      return r.inputs;
    });
    this.loaded = loaded;
    loaded.catch(() => {
      // sessions that fail to load: this worker is of no use, the next call tries a fresh one
      if (this.worker !== w) return;
      this.worker = null;
      this.loaded = null;
      void w.terminate();
    });
    return loaded;
  }

  async run(stage: OnnxStage, feeds: Record<string, OnnxFeed>, output: string): Promise<Float32Array> {
    const r = await this.pass({ stage, feeds, output });
    if (r.kind !== "result") throw new Error(`ONNX worker: unexpected reply ${r.kind} to run`);
    return r.data;
  }

  async runRgb8(
    stage: OnnxStage,
    feeds: Record<string, OnnxFeed>,
    output: string,
    perImage: number,
  ): Promise<Uint8Array[]> {
    const r = await this.pass({ stage, feeds, output, rgb8PerImage: perImage });
    if (r.kind !== "rgb8") throw new Error(`ONNX worker: unexpected reply ${r.kind} to run`);
    return r.images;
  }

  private async pass(msg: {
    stage: OnnxStage;
    feeds: Record<string, OnnxFeed>;
    output: string;
    rgb8PerImage?: number;
  }) {
    await this.start();
    const w = this.worker;
    if (!w)
      throw new Error(`The ONNX worker thread ${this.lastCrash ?? "stopped"} before the ${msg.stage} pass.`);
    // the feeds are ours (built per pass): hand their buffers over instead of copying them
    const transfer = new Set<ArrayBuffer>();
    for (const f of Object.values(msg.feeds)) {
      const whole = f.data.byteOffset === 0 && f.data.byteLength === f.data.buffer.byteLength;
      if (whole && f.data.buffer instanceof ArrayBuffer) transfer.add(f.data.buffer);
    }
    const answer = this.request(w, { kind: "run", ...msg }, [...transfer]);
    const timer = setTimeout(() => {
      this.fail(w, `did not answer within ${Math.round(this.passTimeoutMs / 1000)} s and was stopped`);
      void w.terminate();
    }, this.passTimeoutMs);
    timer.unref();
    return answer.finally(() => clearTimeout(timer));
  }

  /** Terminate the worker (resolves once the thread has stopped); calls still waiting reject. */
  async dispose(): Promise<void> {
    this.disposed = true;
    const w = this.worker;
    this.worker = null;
    this.loaded = null;
    this.rejectAll(new Error("This ONNX engine was disposed while a call was waiting for it."));
    if (w) await w.terminate();
  }

  /** Fault drill (and tests): make the worker die as a crash would (an uncaught error, an exit) or hang. */
  simulateCrash(how: "throw" | "exit" | "hang" = "throw"): void {
    this.worker?.postMessage({ id: 0, kind: "crash", how });
  }

  private request(w: Worker, msg: object, transfer: ArrayBuffer[]): Promise<Reply> {
    const id = this.nextId++;
    return new Promise<Reply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.ref(); // a call in flight keeps the process alive; an idle worker does not (see settle)
      w.postMessage({ ...msg, id }, transfer);
    });
  }

  private settle(r: Reply): void {
    const p = this.pending.get(r.id);
    if (!p) return;
    this.pending.delete(r.id);
    if (this.pending.size === 0) this.worker?.unref();
    if (r.kind === "error") p.reject(new Error(`ONNX worker: ${r.message}`));
    else p.resolve(r);
  }

  private fail(w: Worker, reason: string): void {
    if (this.worker !== w) return; // disposed or already replaced
    this.worker = null;
    this.loaded = null;
    this.lastCrash = reason;
    const n = this.pending.size;
    const err = new Error(
      `The ONNX worker thread ${reason}; ${n} generation call${n === 1 ? "" : "s"} failed. The next call starts a new worker.`,
    );
    console.error(`[ganvas] ${err.message}`);
    this.rejectAll(err);
  }

  private rejectAll(err: Error): void {
    const calls = [...this.pending.values()];
    this.pending.clear();
    for (const p of calls) p.reject(err);
  }
}
