/**
 * Loaded model versions, kept warm. Each version is loaded once (ONNX when exported, else TensorFlow.js) and
 * shares two micro-batchers (Stage-I, Stage-II) across all requests. Switching the active version loads the new
 * one; the old one is disposed a little later so requests already running on it can finish (for the ONNX engine,
 * disposing terminates the worker thread that holds its sessions).
 */
import path from "node:path";
import { MicroBatcher } from "./batcher";
import type { GeneratorEngine, Stage1Item, Stage1Output, Stage2Input } from "./engine";
import { loadTfjsEngine } from "./engine-tfjs";
import { exists } from "./onnx-version-files";

export interface ServedVersion {
  id: string | null;
  name: string;
  /** absolute folder of the model version (model.json, onnx/, checkpoint/) */
  dir: string;
}

export interface WarmModel {
  version: ServedVersion;
  engine: GeneratorEngine;
  stage1: MicroBatcher<Stage1Item, Stage1Output>;
  stage2: MicroBatcher<Stage2Input, Uint8Array>;
  loadMs: number;
}

/** Pluggable loaders: the ONNX engine registers itself here (lib/serve/register-onnx.ts, imported by index.ts). */
export type EngineLoader = (dir: string) => Promise<GeneratorEngine | null>;
const loaders: EngineLoader[] = [];
export function registerEngineLoader(loader: EngineLoader): void {
  loaders.unshift(loader);
}

/** Load the fastest engine a model version folder supports. */
export async function loadEngine(dir: string): Promise<GeneratorEngine> {
  for (const load of loaders) {
    const engine = await load(dir);
    if (engine) return engine;
  }
  const ckpt = path.join(dir, "checkpoint");
  if (await exists(path.join(ckpt, "state.json"))) return loadTfjsEngine(ckpt);
  if (await exists(path.join(dir, "state.json"))) return loadTfjsEngine(dir);
  throw new Error(`Model version folder ${dir} has neither an ONNX export nor a checkpoint.`);
}

const g = globalThis as unknown as {
  ganvasModels?: { current: Promise<WarmModel> | null; key: string | null };
};
g.ganvasModels ??= { current: null, key: null };
const slot = g.ganvasModels;

/** The warm model for `version`, loading it (once) when it differs from the one held. */
export function warmModel(version: ServedVersion): Promise<WarmModel> {
  const key = `${version.id ?? "-"}:${version.dir}`;
  if (slot.current && slot.key === key) return slot.current;
  const previous = slot.current;
  slot.key = key;
  slot.current = (async () => {
    const t = performance.now();
    const engine = await loadEngine(version.dir);
    return {
      version,
      engine,
      stage1: new MicroBatcher((items: Stage1Item[]) => engine.stage1(items), 16),
      stage2: new MicroBatcher((items: Stage2Input[]) => engine.stage2(items), 2),
      loadMs: Math.round(performance.now() - t),
    };
  })();
  slot.current.catch(() => {
    // a failed load is not cached: the next request tries again
    if (slot.key === key) {
      slot.current = null;
      slot.key = null;
    }
  });
  if (previous) {
    setTimeout(() => {
      previous.then((m) => m.engine.dispose()).catch(() => undefined);
    }, 60_000).unref?.();
  }
  return slot.current;
}
