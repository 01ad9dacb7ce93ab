import { promises as fs, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import {
  architectureKey,
  CHECKPOINT_FILES,
  type CheckpointState,
  GanModel,
  presetConfig,
  Rng,
  saveTensors,
} from "@/lib/gan";

export function tmpDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `ganvas-${prefix}-`));
}

/**
 * A model of `preset` whose outputs are far from trivial: He-scaled weights (the std-0.02 init gives images
 * of ~±0.05), and batch norms with running statistics, γ and β far from their defaults, so a wrong fold,
 * layout or padding shows up as a large difference.
 */
export function perturbedModel(
  preset: "tiny" | "tiny-stage2",
  seed = 7,
  overrides: Parameters<typeof presetConfig>[1] = {},
): GanModel {
  const model = new GanModel(presetConfig(preset, overrides), { seed, withDiscriminator: false });
  const rng = new Rng(seed + 1000);
  for (const [name, v] of model.namedTensors("generators")) {
    const n = v.size;
    let values: Float32Array;
    if (name.endsWith(".w")) {
      const fanIn = v.shape.slice(0, -1).reduce((a, b) => a * b, 1);
      values = rng.normals(n, Math.sqrt(2 / fanIn), 0);
    } else if (name.endsWith(".mean") || name.endsWith(".beta") || name.endsWith(".b")) {
      values = rng.normals(n, 0.3, 0);
    } else if (name.endsWith(".var")) {
      values = rng.normals(n, 0.5, 0).map((x) => 0.2 + Math.abs(x) * 3);
    } else if (name.endsWith(".gamma")) {
      values = rng.normals(n, 0.3, 1);
    } else continue;
    tf.tidy(() => v.assign(tf.tensor(values, v.shape)));
  }
  return model;
}

/** a checkpoint folder (weights + state.json, as lib/train writes them) of `model` */
export async function writeTestCheckpoint(model: GanModel, dir: string): Promise<string> {
  await fs.mkdir(dir, { recursive: true });
  await saveTensors(dir, CHECKPOINT_FILES.weights, model.namedTensors("generators"));
  const state: CheckpointState = {
    step: 42,
    epoch: 1,
    config: model.config,
    architecture: architectureKey(model.config),
    rng: { seed: model.config.train.seed, counter: 0 },
    datasetHash: "test",
    textEncoderId: "test/encoder",
    lr: { g: model.config.train.lrG, d: model.config.train.lrD },
    time: "2026-01-01T00:00:00.000Z",
  };
  await fs.writeFile(path.join(dir, CHECKPOINT_FILES.state), `${JSON.stringify(state, null, 2)}\n`);
  return dir;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

export function randomRows(rng: Rng, n: number, dim: number, std = 1): Float32Array {
  return rng.normals(n * dim, std, 0);
}

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}
