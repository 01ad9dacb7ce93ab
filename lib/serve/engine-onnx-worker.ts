/**
 * The ONNX engine the server uses: the same engine as engine-onnx.ts (same batching, bit-identical images),
 * with the sessions in a worker thread (onnx-thread.ts), so a pass never blocks the event loop that streams
 * finished images and answers other requests. Disposing it terminates the worker.
 */
import type { GeneratorEngine } from "./engine";
import {
  defaultOrtThreads,
  type OnnxEngineOptions,
  onnxEngine,
  onnxEngineInfo,
  onnxSessionOptions,
} from "./engine-onnx";
import { OnnxThread } from "./onnx-thread";
import { onnxVersionFiles } from "./onnx-version-files";

export interface OnnxWorkerEngineOptions extends OnnxEngineOptions {
  /** the worker entry (default lib/serve/onnx-worker.mjs under process.cwd()) */
  workerFile?: string;
  /** how long a pass may take before the worker counts as hung (default 60 s) */
  passTimeoutMs?: number;
}

export interface OnnxWorkerEngine extends GeneratorEngine {
  /** the worker that owns the sessions: its thread id, starts and last crash; a fault drill */
  readonly thread: OnnxThread;
}

/** Load the version's ONNX generators into a new worker thread; null when the folder has no ONNX export. */
export async function loadOnnxWorkerEngine(
  dir: string,
  opts: OnnxWorkerEngineOptions = {},
): Promise<OnnxWorkerEngine | null> {
  const files = await onnxVersionFiles(dir);
  if (!files) return null;
  const thread = new OnnxThread(
    {
      files: files.stage2 ? { stage1: files.stage1, stage2: files.stage2 } : { stage1: files.stage1 },
      options: onnxSessionOptions(opts.threads ?? defaultOrtThreads()),
    },
    opts.workerFile,
    opts.passTimeoutMs,
  );
  try {
    const inputs = await thread.start();
    const info = onnxEngineInfo(inputs.stage1, !!inputs.stage2, files.textEncoderId);
    return { ...onnxEngine(thread, info), thread };
  } catch (err) {
    await thread.dispose();
    throw err;
  }
}
