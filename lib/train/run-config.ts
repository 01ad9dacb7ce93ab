/**
 * A run's configuration: the requested preset or config against the saved one (the architecture must match on
 * resume), training-setting changes, the dataset, and for Stage-II the frozen Stage-I checkpoint. A Stage-II
 * resume may name another Stage-I of the same architecture (`stage1`): G2 and D2 go on, fine-tuned to it.
 */
import path from "node:path";
import { type LoadedDataset, loadDataset } from "../data";
import {
  architectureDiff,
  type CheckpointState,
  type GanConfig,
  type GanModel,
  ganConfigSchema,
  loadCheckpoint,
  presetConfig,
  readCheckpointState,
  resolveCheckpointDir,
  withTrainSettings,
} from "../gan";
import type { TrainOptions } from "./trainer";

export class TrainConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TrainConfigError";
  }
}

export interface RunConfig {
  config: GanConfig;
  ds: LoadedDataset;
  /** the dataset's text encoder (a run needs one) */
  textEncoderId: string;
  /** Stage-II: the frozen Stage-I checkpoint (null for Stage-I runs) */
  stage1Dir: string | null;
  /** a Stage-II resume onto another Stage-I than its checkpoint was trained on */
  stage1Swapped: boolean;
  /** a resume onto another dataset than the checkpoint was trained on (`switchDataset`) */
  datasetSwitched: boolean;
}

type ConfigOptions = Pick<
  TrainOptions,
  "runDir" | "datasetDir" | "preset" | "config" | "trainSettings" | "stage1" | "switchDataset"
>;

/**
 * The checkpoint `stage1` names (a Stage-I one, or a Stage-II one for its Stage-I), checked to fit under a Stage-II of
 * `config` (same Stage-I architecture).
 */
async function stage1For(
  stage1: string,
  config: GanConfig | null,
  runDir: string,
): Promise<{ dir: string; config: GanConfig }> {
  const dir = await resolveCheckpointDir(stage1);
  const s1 = (await readCheckpointState(dir)).config;
  if (config) {
    const fits =
      s1.zDim === config.zDim &&
      s1.cDim === config.cDim &&
      JSON.stringify(s1.g1) === JSON.stringify(config.g1);
    if (!fits)
      throw new TrainConfigError(
        `Cannot continue ${runDir} on Stage-I ${stage1}: its generator (z ${s1.zDim}, c ${s1.cDim}, ngf ${s1.g1.ngf}) differs from the one the run was trained on (z ${config.zDim}, c ${config.cDim}, ngf ${config.g1.ngf}).`,
      );
  }
  return { dir, config: s1 };
}

export async function resolveRunConfig(
  opts: ConfigOptions,
  saved: CheckpointState | null,
): Promise<RunConfig> {
  const requestedStage =
    opts.config?.stage ?? (opts.preset ? presetConfig(opts.preset).stage : (saved?.config.stage ?? 1));
  const ds = await loadDataset(opts.datasetDir, { sizes: [requestedStage === 1 ? 64 : 256] });
  if (!ds.manifest.textEncoder)
    throw new TrainConfigError(`Dataset ${opts.datasetDir} has no caption embeddings.`);
  let stage1Config: GanConfig | null = null;
  let stage1Dir: string | null = saved?.stage1Checkpoint ?? null;
  let stage1Swapped = false;
  if (requestedStage === 2 && !saved) {
    if (!opts.stage1)
      throw new TrainConfigError(
        "Stage-II training needs a finished Stage-I checkpoint: pass stage1 (--stage1 RUN_DIR).",
      );
    ({ dir: stage1Dir, config: stage1Config } = await stage1For(opts.stage1, null, opts.runDir));
  } else if (saved?.config.stage === 2 && opts.stage1) {
    const { dir } = await stage1For(opts.stage1, saved.config, opts.runDir);
    stage1Swapped = path.resolve(dir) !== path.resolve(saved.stage1Checkpoint ?? "");
    stage1Dir = dir;
  }
  let config: GanConfig;
  if (opts.config || opts.preset) {
    const base = opts.config ? ganConfigSchema.parse(opts.config) : presetConfig(opts.preset as string);
    config = { ...base, embDim: ds.manifest.textEncoder.dim };
    if (stage1Config)
      Object.assign(config, { zDim: stage1Config.zDim, cDim: stage1Config.cDim, g1: stage1Config.g1 });
    if (saved) {
      const diff = architectureDiff(saved.config, config);
      if (diff.length)
        throw new TrainConfigError(
          `Cannot resume ${opts.runDir}: its checkpoint was trained with a different architecture (${diff.join("; ")}). ` +
            `Resume with preset "${saved.config.preset}" or start a new run folder.`,
        );
    }
  } else if (saved) {
    config = saved.config;
  } else throw new TrainConfigError("Pass a preset or a config for a new run.");
  if (opts.trainSettings) {
    try {
      config = withTrainSettings(config, opts.trainSettings);
    } catch (err) {
      throw new TrainConfigError((err as Error).message);
    }
  }
  if (config.embDim !== ds.manifest.textEncoder.dim)
    throw new TrainConfigError(
      `The run expects ${config.embDim}-d embeddings, the dataset has ${ds.manifest.textEncoder.dim}-d.`,
    );
  const datasetSwitched = saved !== null && saved.datasetHash !== ds.manifest.hash;
  if (datasetSwitched && !opts.switchDataset)
    throw new TrainConfigError(
      `Cannot resume ${opts.runDir}: it was trained on dataset ${saved.datasetHash}, ${opts.datasetDir} is ${ds.manifest.hash}. ` +
        "To fine-tune it on the new dataset, pass switchDataset (--switch-dataset).",
    );
  if (datasetSwitched && saved.textEncoderId !== ds.manifest.textEncoder.id)
    throw new TrainConfigError(
      `Cannot switch ${opts.runDir} to ${opts.datasetDir}: its captions were embedded by ${ds.manifest.textEncoder.id}, the run was trained on ${saved.textEncoderId}'s. Embed the dataset with the run's text encoder.`,
    );
  return { config, ds, textEncoderId: ds.manifest.textEncoder.id, stage1Dir, stage1Swapped, datasetSwitched };
}

/** Copy a Stage-I checkpoint's generator (weights and running statistics) into `model`'s G1. */
export async function loadStage1Weights(model: GanModel, dir: string): Promise<void> {
  const s1 = await loadCheckpoint(dir);
  try {
    for (const [name, v] of model.stores.g1.all()) {
      const src = s1.model.namedTensors().get(name);
      if (!src) throw new TrainConfigError(`Stage-I checkpoint ${dir} has no ${name}`);
      v.assign(src);
    }
  } finally {
    s1.model.dispose();
  }
}
