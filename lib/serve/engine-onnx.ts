/**
 * The fast serving engine: the model version's exported generators (onnx/stage1.onnx [+ stage2.onnx]) run by
 * onnxruntime-node on the CPU. Sizes come from the graphs' inputs; the text encoder id from model.json (or the
 * checkpoint's state.json). Threads: GANVAS_ORT_THREADS (default 1; on this 2-core machine, shared with
 * training and the text encoder, a second intra-op thread made each pass slower, not faster).
 * The sessions live behind an OnnxRunner: in this thread (loadOnnxEngine, for scripts and tests) or in a
 * worker thread (loadOnnxWorkerEngine, what the server uses: a pass never blocks its event loop). Both share
 * the batching below, so they give bit-identical images.
 */
import * as ort from "onnxruntime-node";
import { config } from "../config";
import {
  concatRows,
  type EngineInfo,
  type GeneratorEngine,
  type Stage1Item,
  type Stage1Output,
  type Stage2Input,
  toRgb8,
} from "./engine";
import { STAGE1_IO, STAGE2_IO } from "./onnx/io-names";
import { inputDim, type OnnxInputShape, onnxVersionFiles } from "./onnx-version-files";

const PX64 = 64 * 64 * 3;
const PX256 = 256 * 256 * 3;

export interface OnnxEngineOptions {
  /** intra-op threads (default GANVAS_ORT_THREADS or 1) */
  threads?: number;
}

export type OnnxStage = "stage1" | "stage2";
/** one input of a pass: a row-major float tensor the runner may take ownership of (and transfer) */
export interface OnnxFeed {
  data: Float32Array;
  dims: number[];
}

/** Where a version's sessions live: it runs one pass and returns the named output's data. */
export interface OnnxRunner {
  run(stage: OnnxStage, feeds: Record<string, OnnxFeed>, output: string): Promise<Float32Array>;
  /** the output as one uint8 image per `perImage` values (toRgb8): a worker converts before sending, so the
   *  server thread never holds the 4× larger floats of a 256 px batch (fewer major GCs, shorter stalls) */
  runRgb8(
    stage: OnnxStage,
    feeds: Record<string, OnnxFeed>,
    output: string,
    perImage: number,
  ): Promise<Uint8Array[]>;
  dispose(): Promise<void>;
}

export function onnxSessionOptions(threads: number): ort.InferenceSession.SessionOptions {
  return {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: "sequential",
    graphOptimizationLevel: "all",
    // worker threads that spin while idle steal the core the other requests (and training) need
    extra: { session: { intra_op: { allow_spinning: "0" } } },
  };
}

export function defaultOrtThreads(): number {
  return config().ortThreads;
}

/** the engine's info from the Stage-I graph's inputs ([N, zDim], [N, embDim], [N, cDim]) */
export function onnxEngineInfo(
  stage1Inputs: readonly OnnxInputShape[],
  hasStage2: boolean,
  textEncoderId: string,
): EngineInfo {
  const [zDim, embDim, cDim] = STAGE1_IO.inputs.map((n) => inputDim(stage1Inputs, n));
  return { kind: "onnx", embDim, zDim, cDim, hasStage2, textEncoderId };
}

/** A GeneratorEngine over `runner`: packs items into batch tensors and splits the outputs per image. */
export function onnxEngine(runner: OnnxRunner, info: EngineInfo): GeneratorEngine {
  const { zDim, embDim, cDim } = info;
  const feed2d = (rows: Float32Array[], width: number): OnnxFeed => ({
    data: concatRows(rows, width),
    dims: [rows.length, width],
  });
  return {
    info,

    async stage1(items: Stage1Item[]): Promise<Stage1Output[]> {
      const feeds = {
        z: feed2d(
          items.map((i) => i.z),
          zDim,
        ),
        emb: feed2d(
          items.map((i) => i.emb),
          embDim,
        ),
        eps: feed2d(
          items.map((i) => i.eps),
          cDim,
        ),
      };
      const data = await runner.run("stage1", feeds, STAGE1_IO.output); // [n, 64, 64, 3]
      return items.map((it, i) => {
        const image64 = data.slice(i * PX64, (i + 1) * PX64);
        return { rgb64: toRgb8(image64), next: { image64, emb: it.emb, eps: it.eps } };
      });
    },

    async stage2(items: Stage2Input[]): Promise<Uint8Array[]> {
      if (!info.hasStage2) throw new Error("This model version has no Stage-II generator.");
      const n = items.length;
      const feeds = {
        image64: {
          data: concatRows(
            items.map((i) => i.image64),
            PX64,
          ),
          dims: [n, 64, 64, 3],
        },
        emb: feed2d(
          items.map((i) => i.emb),
          embDim,
        ),
        eps: feed2d(
          items.map((i) => i.eps),
          cDim,
        ),
      };
      return runner.runRgb8("stage2", feeds, STAGE2_IO.output, PX256); // n × [256, 256, 3]
    },

    dispose: () => runner.dispose(),
  };
}

/** Sessions in this thread: each pass blocks the event loop while it runs (ORT's run is synchronous). */
function inThreadRunner(sessions: Partial<Record<OnnxStage, ort.InferenceSession>>): OnnxRunner {
  const run: OnnxRunner["run"] = async (stage, feeds, output) => {
    const session = sessions[stage];
    if (!session) throw new Error(`This model version has no ${stage} generator.`);
    const tensors: Record<string, ort.Tensor> = {};
    for (const [name, f] of Object.entries(feeds)) tensors[name] = new ort.Tensor("float32", f.data, f.dims);
    const out = await session.run(tensors);
    return out[output].data as Float32Array;
  };
  return {
    run,
    async runRgb8(stage, feeds, output, perImage) {
      const data = await run(stage, feeds, output);
      return Array.from({ length: data.length / perImage }, (_, i) =>
        toRgb8(data.subarray(i * perImage, (i + 1) * perImage)),
      );
    },
    async dispose() {
      for (const s of Object.values(sessions)) await s.release();
    },
  };
}

function sessionInputs(session: ort.InferenceSession): OnnxInputShape[] {
  return session.inputMetadata.map((m) => ({ name: m.name, shape: m.isTensor ? m.shape : [] }));
}

/**
 * Load the version's ONNX generators in this thread; null when the folder has no (usable) ONNX export.
 * The server uses loadOnnxWorkerEngine instead; this one serves scripts and the parity tests.
 */
export async function loadOnnxEngine(
  dir: string,
  opts: OnnxEngineOptions = {},
): Promise<GeneratorEngine | null> {
  const files = await onnxVersionFiles(dir);
  if (!files) return null;
  const options = onnxSessionOptions(opts.threads ?? defaultOrtThreads());
  const s1 = await ort.InferenceSession.create(files.stage1, options);
  let s2: ort.InferenceSession | null = null;
  let info: EngineInfo;
  try {
    if (files.stage2) s2 = await ort.InferenceSession.create(files.stage2, options);
    info = onnxEngineInfo(sessionInputs(s1), !!s2, files.textEncoderId);
  } catch (err) {
    await s1.release();
    await s2?.release();
    throw err;
  }
  return onnxEngine(inThreadRunner(s2 ? { stage1: s1, stage2: s2 } : { stage1: s1 }), info);
}
