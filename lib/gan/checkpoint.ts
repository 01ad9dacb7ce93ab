/**
 * Reading a checkpoint folder (written by lib/train): `weights.{bin,json}` (every named tensor of the
 * generators and the discriminator being trained), `optimizer.{bin,json}`, `state.json`.
 * A stage-2 checkpoint also holds the frozen Stage-I weights, so it is enough for inference alone.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import { CorruptCheckpointError, readJsonOrCorrupt } from "./checkpoint-error";
import { ganConfigSchema } from "./config";
import { GanModel } from "./model";
import { assignTensors, loadTensors } from "./weights-io";

export const CHECKPOINT_FILES = { weights: "weights", optimizer: "optimizer", state: "state.json" } as const;

export const checkpointStateSchema = z.object({
  step: z.number().int().nonnegative(),
  epoch: z.number().int().nonnegative(),
  config: ganConfigSchema,
  architecture: z.string(),
  rng: z.object({ seed: z.number(), counter: z.number() }),
  datasetHash: z.string(),
  datasetDir: z.string().optional(),
  textEncoderId: z.string(),
  /** the Stage-I run a stage-2 checkpoint was trained on */
  stage1Checkpoint: z.string().nullable().optional(),
  lr: z.object({ g: z.number(), d: z.number() }),
  time: z.string(),
});
export type CheckpointState = z.infer<typeof checkpointStateSchema>;

async function exists(p: string): Promise<boolean> {
  return fs.stat(p).then(
    () => true,
    () => false,
  );
}

/** Accepts a checkpoint folder or a run folder (then its latest checkpoint is used). */
export async function resolveCheckpointDir(p: string): Promise<string> {
  if (await exists(path.join(p, CHECKPOINT_FILES.state))) return p;
  const latest = path.join(p, "checkpoints", "latest.json");
  if (await exists(latest)) {
    const { dir } = (await readJsonOrCorrupt(path.join(p, "checkpoints"), "latest.json")) as {
      dir?: unknown;
    };
    if (typeof dir !== "string")
      throw new CorruptCheckpointError(
        path.join(p, "checkpoints"),
        "latest.json",
        "it names no checkpoint folder",
      );
    return path.join(p, "checkpoints", dir);
  }
  throw new Error(
    `${p} is neither a checkpoint folder (no state.json) nor a run folder with checkpoints/latest.json`,
  );
}

/** A missing, malformed or invalid state.json throws CorruptCheckpointError. */
export async function readCheckpointState(dir: string): Promise<CheckpointState> {
  const raw = await readJsonOrCorrupt(dir, CHECKPOINT_FILES.state);
  const parsed = checkpointStateSchema.safeParse(raw);
  if (!parsed.success)
    throw new CorruptCheckpointError(dir, CHECKPOINT_FILES.state, `invalid: ${parsed.error.message}`);
  return parsed.data;
}

export interface LoadedCheckpoint {
  dir: string;
  state: CheckpointState;
  model: GanModel;
}

/** Build the model of the checkpoint's config and load its weights (generators only unless asked). */
export async function loadCheckpoint(
  p: string,
  opts: { withDiscriminator?: boolean } = {},
): Promise<LoadedCheckpoint> {
  const dir = await resolveCheckpointDir(p);
  const state = await readCheckpointState(dir);
  const model = new GanModel(state.config, {
    seed: state.config.train.seed,
    withDiscriminator: !!opts.withDiscriminator,
  });
  try {
    const tensors = await loadTensors(dir, CHECKPOINT_FILES.weights);
    assignTensors(model.namedTensors(), tensors, (data, shape) => tf.tensor(data, shape));
  } catch (err) {
    model.dispose();
    throw err;
  }
  return { dir, state, model };
}
