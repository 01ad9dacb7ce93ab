/**
 * Which ONNX files a model version folder serves from, and the sizes its graphs take: shared by the in-thread
 * engine (engine-onnx.ts) and the worker-thread engine (engine-onnx-worker.ts).
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { readModelVersionManifest } from "./model-version-folder";

export interface OnnxVersionFiles {
  stage1: string;
  stage2: string | null;
  textEncoderId: string;
}

/** an input's name and shape as the graph declares it (strings for symbolic axes such as the batch) */
export interface OnnxInputShape {
  name: string;
  shape: readonly (number | string)[];
}

/** whether a file or folder is there (serving's one stat-based check) */
export async function exists(p: string): Promise<boolean> {
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

/**
 * `<dir>/onnx/stage1.onnx` (+ stage2.onnx when present); null when the folder has no ONNX export, or when
 * model.json says Stage-II but stage2.onnx is missing (tfjs then serves both stages from the checkpoint).
 */
export async function onnxVersionFiles(dir: string): Promise<OnnxVersionFiles | null> {
  const stage1 = path.join(dir, "onnx", "stage1.onnx");
  const f2 = path.join(dir, "onnx", "stage2.onnx");
  if (!(await exists(stage1))) return null;
  const { textEncoderId, stage } = await versionInfo(dir);
  const stage2 = (await exists(f2)) ? f2 : null;
  if (stage === 2 && !stage2) return null;
  return { stage1, stage2, textEncoderId };
}

/** the fixed size of input `name`'s second axis (the graphs are [N, dim]) */
export function inputDim(inputs: readonly OnnxInputShape[], name: string): number {
  const dim = inputs.find((m) => m.name === name)?.shape[1];
  if (typeof dim !== "number")
    throw new Error(`ONNX input "${name}" is missing or has no fixed size: re-export the model version.`);
  return dim;
}
