/**
 * Writing and restoring full training checkpoints: weights, optimiser state and state.json go to a
 * temporary folder that is renamed into place, then checkpoints/latest.json is updated atomically.
 * A failed write (disk full) removes its temporary folder and leaves the previous checkpoint as it was.
 * With a weight average, `weights` holds the averaged generator (what inference, evaluation and promotion
 * read) and the optimiser file also holds the raw generator weights as `raw/<name>` (what training resumes).
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import {
  assignTensors,
  CHECKPOINT_FILES,
  type CheckpointState,
  CorruptCheckpointError,
  type GanModel,
  loadTensors,
  readCheckpointState,
  readJsonOrCorrupt,
  saveTensors,
} from "../gan";
import type { Adam } from "./adam";
import { type RunFolder, stepDirName } from "./run-folder";

const OPTIMIZER_STEPS = "optimizer-steps.json";
const RAW_PREFIX = "raw/";

export interface RestoredCheckpoint {
  state: CheckpointState;
  /**
   * The checkpoint was written with a weight average: the model now holds the raw generator weights, and
   * these are the averaged ones (from `weights`) to continue the average from. The caller disposes them.
   */
  average: Map<string, tf.Tensor> | null;
}

export async function saveCheckpoint(
  run: RunFolder,
  model: GanModel,
  opt: { g: Adam; d: Adam },
  state: CheckpointState,
  keep = 5,
  /** the raw trained-generator weights when `model` holds their average */
  raw?: Map<string, tf.Tensor>,
): Promise<string> {
  const name = stepDirName(state.step);
  const final = path.join(run.checkpointsDir, name);
  const tmp = path.join(run.checkpointsDir, `.tmp-${name}-${process.pid}`);
  await fs.rm(tmp, { recursive: true, force: true });
  try {
    await fs.mkdir(tmp, { recursive: true });
    await saveTensors(tmp, CHECKPOINT_FILES.weights, model.namedTensors());
    const optTensors = new Map<string, tf.Tensor>();
    for (const [k, t] of opt.g.stateTensors()) optTensors.set(`g/${k}`, t);
    for (const [k, t] of opt.d.stateTensors()) optTensors.set(`d/${k}`, t);
    for (const [k, t] of raw ?? []) optTensors.set(`${RAW_PREFIX}${k}`, t);
    await saveTensors(tmp, CHECKPOINT_FILES.optimizer, optTensors);
    await fs.writeFile(path.join(tmp, OPTIMIZER_STEPS), `${JSON.stringify({ g: opt.g.t, d: opt.d.t })}\n`);
    await fs.writeFile(path.join(tmp, CHECKPOINT_FILES.state), `${JSON.stringify(state, null, 2)}\n`);
  } catch (err) {
    // e.g. ENOSPC: leave no half-written folder behind; latest.json still names the previous checkpoint
    await fs.rm(tmp, { recursive: true, force: true }).catch(() => {});
    throw err;
  }
  await fs.rm(final, { recursive: true, force: true });
  await fs.rename(tmp, final);
  await run.setLatest(state.step);
  await run.prune(keep);
  return path.join("checkpoints", name);
}

/** Restore weights and optimiser state in place (the raw weights when the checkpoint has an average). */
export async function restoreCheckpoint(
  dir: string,
  model: GanModel,
  opt: { g: Adam; d: Adam },
): Promise<RestoredCheckpoint> {
  const state = await readCheckpointState(dir);
  const make = (data: Float32Array, shape: number[]) => tf.tensor(data, shape);
  assignTensors(model.namedTensors(), await loadTensors(dir, CHECKPOINT_FILES.weights), make);
  const optLoaded = await loadTensors(dir, CHECKPOINT_FILES.optimizer);
  let average: Map<string, tf.Tensor> | null = null;
  const trained = model.trainedG.trainable;
  if ([...optLoaded.keys()].some((k) => k.startsWith(RAW_PREFIX))) {
    average = new Map();
    for (const [name, v] of trained) {
      const raw = optLoaded.get(`${RAW_PREFIX}${name}`);
      if (!raw)
        throw new CorruptCheckpointError(dir, `${CHECKPOINT_FILES.optimizer}.bin`, `no ${RAW_PREFIX}${name}`);
      average.set(name, v.clone());
      const t = make(raw.data, raw.shape);
      v.assign(t);
      t.dispose();
    }
  }
  const prefixed = (prefix: string, a: Adam) =>
    new Map([...a.stateVariables()].map(([k, v]) => [`${prefix}/${k}`, v] as [string, tf.Variable]));
  assignTensors(prefixed("g", opt.g), optLoaded, make);
  assignTensors(prefixed("d", opt.d), optLoaded, make);
  const steps = await readOptimizerSteps(dir);
  opt.g.t = steps.g;
  opt.d.t = steps.d;
  return { state, average };
}

async function readOptimizerSteps(dir: string): Promise<{ g: number; d: number }> {
  const steps = (await readJsonOrCorrupt(dir, OPTIMIZER_STEPS)) as { g?: unknown; d?: unknown } | null;
  if (!Number.isInteger(steps?.g) || !Number.isInteger(steps?.d))
    throw new CorruptCheckpointError(dir, OPTIMIZER_STEPS, "no optimiser step counts");
  return steps as { g: number; d: number };
}

/**
 * Read every file of a checkpoint folder and check it (JSON parses, .bin sizes and checksums) without touching a
 * model: throws CorruptCheckpointError for the first damaged file, returns the state when all is well.
 */
export async function verifyCheckpoint(dir: string): Promise<CheckpointState> {
  const state = await readCheckpointState(dir);
  await loadTensors(dir, CHECKPOINT_FILES.weights);
  await loadTensors(dir, CHECKPOINT_FILES.optimizer);
  await readOptimizerSteps(dir);
  return state;
}
