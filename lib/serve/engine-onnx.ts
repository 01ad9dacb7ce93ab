/**
 * The fast serving engine: the model version's exported generators (onnx/stage1.onnx [+ stage2.onnx]) run by
 * onnxruntime-node on the CPU. Sizes come from the graphs' inputs; the text encoder id from model.json (or the
 * checkpoint's state.json). Threads: GANVAS_ORT_THREADS (default 1; on this 2-core machine, shared with
 * training and the text encoder, a second intra-op thread made each pass slower, not faster).
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import * as ort from "onnxruntime-node";
import { config } from "../config";
import {
  concatRows,
  type GeneratorEngine,
  type Stage1Item,
  type Stage1Output,
  type Stage2Input,
  toRgb8,
} from "./engine";
import { readModelVersionManifest } from "./model-version-folder";
import { STAGE1_IO, STAGE2_IO } from "./onnx/io-names";

const PX64 = 64 * 64 * 3;
const PX256 = 256 * 256 * 3;

export interface OnnxEngineOptions {
  /** intra-op threads (default GANVAS_ORT_THREADS or 1) */
  threads?: number;
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

function defaultThreads(): number {
  return config().ortThreads;
}

async function exists(p: string): Promise<boolean> {
  return fs.stat(p).then(
    () => true,
    () => false,
  );
}

/** model.json's textEncoderId and stage, else the checkpoint's state.json (stage unknown) */
async function versionInfo(dir: string): Promise<{ textEncoderId: string; stage: 1 | 2 | null }> {
  if (await exists(path.join(dir, "model.json"))) {
    const { textEncoderId, stage } = await readModelVersionManifest(dir);
    return { textEncoderId, stage };
  }
  for (const f of [path.join(dir, "checkpoint", "state.json"), path.join(dir, "state.json")]) {
    if (await exists(f)) {
      const { textEncoderId } = JSON.parse(await fs.readFile(f, "utf8")) as { textEncoderId?: unknown };
      if (typeof textEncoderId === "string" && textEncoderId) return { textEncoderId, stage: null };
    }
  }
  throw new Error(`${dir} has neither model.json nor a checkpoint state.json naming its text encoder.`);
}

/** the fixed size of input `name`'s second axis (the graphs are [N, dim]) */
function inputDim(session: ort.InferenceSession, name: string): number {
  const meta = session.inputMetadata.find((m) => m.name === name);
  const dim = meta?.isTensor ? meta.shape[1] : undefined;
  if (typeof dim !== "number")
    throw new Error(`ONNX input "${name}" is missing or has no fixed size: re-export the model version.`);
  return dim;
}

/**
 * Load `<dir>/onnx/stage1.onnx` (+ stage2.onnx when present); null when the folder has no ONNX export, or
 * when model.json says Stage-II but stage2.onnx is missing (tfjs then serves both stages from the checkpoint).
 */
export async function loadOnnxEngine(
  dir: string,
  opts: OnnxEngineOptions = {},
): Promise<GeneratorEngine | null> {
  const f1 = path.join(dir, "onnx", "stage1.onnx");
  const f2 = path.join(dir, "onnx", "stage2.onnx");
  if (!(await exists(f1))) return null;
  const { textEncoderId, stage } = await versionInfo(dir);
  if (stage === 2 && !(await exists(f2))) return null;
  const options = onnxSessionOptions(opts.threads ?? defaultThreads());
  const s1 = await ort.InferenceSession.create(f1, options);
  let s2: ort.InferenceSession | null = null;
  let dims: number[];
  try {
    if (await exists(f2)) s2 = await ort.InferenceSession.create(f2, options);
    dims = STAGE1_IO.inputs.map((n) => inputDim(s1, n));
  } catch (err) {
    await s1.release();
    await s2?.release();
    throw err;
  }
  const [zDim, embDim, cDim] = dims;
  const tensor2d = (rows: Float32Array[], width: number) =>
    new ort.Tensor("float32", concatRows(rows, width), [rows.length, width]);

  return {
    info: { kind: "onnx", embDim, zDim, cDim, hasStage2: !!s2, textEncoderId },

    async stage1(items: Stage1Item[]): Promise<Stage1Output[]> {
      const out = await s1.run({
        z: tensor2d(
          items.map((i) => i.z),
          zDim,
        ),
        emb: tensor2d(
          items.map((i) => i.emb),
          embDim,
        ),
        eps: tensor2d(
          items.map((i) => i.eps),
          cDim,
        ),
      });
      const data = out[STAGE1_IO.output].data as Float32Array; // [n, 64, 64, 3]
      return items.map((it, i) => {
        const image64 = data.slice(i * PX64, (i + 1) * PX64);
        return { rgb64: toRgb8(image64), next: { image64, emb: it.emb, eps: it.eps } };
      });
    },

    async stage2(items: Stage2Input[]): Promise<Uint8Array[]> {
      if (!s2) throw new Error("This model version has no Stage-II generator.");
      const n = items.length;
      const out = await s2.run({
        image64: new ort.Tensor(
          "float32",
          concatRows(
            items.map((i) => i.image64),
            PX64,
          ),
          [n, 64, 64, 3],
        ),
        emb: tensor2d(
          items.map((i) => i.emb),
          embDim,
        ),
        eps: tensor2d(
          items.map((i) => i.eps),
          cDim,
        ),
      });
      const data = out[STAGE2_IO.output].data as Float32Array; // [n, 256, 256, 3]
      return items.map((_, i) => toRgb8(data.subarray(i * PX256, (i + 1) * PX256)));
    },

    async dispose() {
      await s1.release();
      await s2?.release();
    },
  };
}
