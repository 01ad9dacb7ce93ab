/**
 * Writing and restoring full training checkpoints: weights, optimiser state and state.json go to a
 * temporary folder that is renamed into place, then checkpoints/latest.json is updated atomically.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import {
  assignTensors,
  CHECKPOINT_FILES,
  type CheckpointState,
  type GanModel,
  loadTensors,
  readCheckpointState,
  saveTensors,
} from "../gan";
import type { Adam } from "./adam";
import { type RunFolder, stepDirName } from "./run-folder";

export async function saveCheckpoint(
  run: RunFolder,
  model: GanModel,
  opt: { g: Adam; d: Adam },
  state: CheckpointState,
  keep = 5,
): Promise<string> {
  const name = stepDirName(state.step);
  const final = path.join(run.checkpointsDir, name);
  const tmp = path.join(run.checkpointsDir, `.tmp-${name}-${process.pid}`);
  await fs.rm(tmp, { recursive: true, force: true });
  await fs.mkdir(tmp, { recursive: true });
  await saveTensors(tmp, CHECKPOINT_FILES.weights, model.namedTensors());
  const optTensors = new Map<string, tf.Tensor>();
  for (const [k, t] of opt.g.stateTensors()) optTensors.set(`g/${k}`, t);
  for (const [k, t] of opt.d.stateTensors()) optTensors.set(`d/${k}`, t);
  await saveTensors(tmp, CHECKPOINT_FILES.optimizer, optTensors);
  await fs.writeFile(
    path.join(tmp, "optimizer-steps.json"),
    `${JSON.stringify({ g: opt.g.t, d: opt.d.t })}\n`,
  );
  await fs.writeFile(path.join(tmp, CHECKPOINT_FILES.state), `${JSON.stringify(state, null, 2)}\n`);
  await fs.rm(final, { recursive: true, force: true });
  await fs.rename(tmp, final);
  await run.setLatest(state.step);
  await run.prune(keep);
  return path.join("checkpoints", name);
}

/** Restore weights and optimiser state in place; returns the saved state. */
export async function restoreCheckpoint(
  dir: string,
  model: GanModel,
  opt: { g: Adam; d: Adam },
): Promise<CheckpointState> {
  const state = await readCheckpointState(dir);
  const make = (data: Float32Array, shape: number[]) => tf.tensor(data, shape);
  assignTensors(model.namedTensors(), await loadTensors(dir, CHECKPOINT_FILES.weights), make);
  const optLoaded = await loadTensors(dir, CHECKPOINT_FILES.optimizer);
  const prefixed = (prefix: string, a: Adam) =>
    new Map([...a.stateVariables()].map(([k, v]) => [`${prefix}/${k}`, v] as [string, tf.Variable]));
  assignTensors(prefixed("g", opt.g), optLoaded, make);
  assignTensors(prefixed("d", opt.d), optLoaded, make);
  const steps = JSON.parse(await fs.readFile(path.join(dir, "optimizer-steps.json"), "utf8")) as {
    g: number;
    d: number;
  };
  opt.g.t = steps.g;
  opt.d.t = steps.d;
  return state;
}
