/**
 * Weight averaging of a run's last checkpoints (Yazıcı et al. 2019, "The Unusual Effectiveness of Averaging in
 * GAN Training"): the mean of the trained generator's weights over a window of steps smooths out the oscillation
 * of adversarial training, usually with better samples than any single checkpoint. The batch-norm running
 * statistics of the averaged weights are then measured again on training batches ("precise BN", as the trainer
 * does before every checkpoint). The result is an ordinary checkpoint folder (discriminator, optimiser state and
 * frozen Stage-I weights from the newest input), so evaluation, export and promotion take it as they are.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { loadDataset } from "../data";
import {
  architectureKey,
  CHECKPOINT_FILES,
  type CheckpointState,
  GanModel,
  loadTensors,
  readCheckpointState,
  saveTensors,
} from "../gan";
import { batcherFor } from "./batcher";
import { calibrateAt } from "./served-weights";

export interface AverageOptions {
  /** the dataset the run trained on (default: the one its state.json names) */
  datasetDir?: string;
  /** training batches that measure the running statistics again (default 4, as the trainer) */
  calibrationBatches?: number;
}

export interface AverageResult {
  dir: string;
  steps: number[];
  state: CheckpointState;
}

/** Average the trained generator over `dirs` (checkpoint folders of one run) into a new checkpoint `outDir`. */
export async function averageCheckpoints(
  dirs: string[],
  outDir: string,
  opts: AverageOptions = {},
): Promise<AverageResult> {
  if (dirs.length < 2) throw new Error("Averaging needs at least two checkpoints.");
  const states = await Promise.all(dirs.map(readCheckpointState));
  const order = states.map((s, i) => ({ s, dir: dirs[i] })).sort((a, b) => a.s.step - b.s.step);
  const newest = order[order.length - 1];
  const arch = architectureKey(newest.s.config);
  for (const { s, dir } of order)
    if (architectureKey(s.config) !== arch || s.datasetHash !== newest.s.datasetHash)
      throw new Error(
        `${dir} is not a checkpoint of the same model and dataset as ${newest.dir}: average checkpoints of one run.`,
      );
  const datasetDir = opts.datasetDir ?? newest.s.datasetDir;
  if (!datasetDir)
    throw new Error("The checkpoints do not name their dataset: pass the dataset folder (--dataset).");
  const config = newest.s.config;
  const model = new GanModel(config, { seed: config.train.seed, withDiscriminator: true });
  try {
    const trained = model.trainedG.trainable;
    const sums = new Map<string, Float64Array>();
    let newestWeights: Awaited<ReturnType<typeof loadTensors>> | null = null;
    for (const { dir } of order) {
      const w = await loadTensors(dir, CHECKPOINT_FILES.weights);
      for (const name of trained.keys()) {
        const t = w.get(name);
        if (!t) throw new Error(`${dir} has no ${name}`);
        const acc = sums.get(name) ?? new Float64Array(t.data.length);
        for (let i = 0; i < acc.length; i++) acc[i] += t.data[i];
        sums.set(name, acc);
      }
      newestWeights = w;
    }
    // everything from the newest checkpoint, then the mean over the window for the trained generator
    for (const [name, v] of model.namedTensors()) {
      const sum = sums.get(name);
      const own = newestWeights?.get(name);
      if (!sum && !own) throw new Error(`${newest.dir} has no ${name}`);
      const t = sum
        ? tf.tensor(
            Float32Array.from(sum, (x) => x / order.length),
            v.shape,
          )
        : tf.tensor((own as { data: Float32Array }).data, v.shape);
      v.assign(t);
      t.dispose();
    }
    const imageSize = config.stage === 1 ? 64 : 256;
    const ds = await loadDataset(datasetDir, { sizes: [imageSize] });
    if (ds.manifest.hash !== newest.s.datasetHash)
      throw new Error(`${datasetDir} is not the dataset these checkpoints were trained on (hash differs).`);
    const batcher = batcherFor(ds, config, imageSize);
    // the trainer's recipe: statistics of the batches that follow the newest checkpoint's step
    calibrateAt(model, batcher, newest.s.step, opts.calibrationBatches ?? 4);

    const tmp = `${outDir}.tmp-${process.pid}`;
    await fs.rm(tmp, { recursive: true, force: true });
    await fs.mkdir(tmp, { recursive: true });
    await saveTensors(tmp, CHECKPOINT_FILES.weights, model.namedTensors());
    for (const f of await fs.readdir(newest.dir))
      if (f.startsWith(`${CHECKPOINT_FILES.optimizer}.`) || f === "optimizer-steps.json")
        await fs.copyFile(path.join(newest.dir, f), path.join(tmp, f));
    const steps = order.map((o) => o.s.step);
    const state = { ...newest.s, averagedSteps: steps };
    await fs.writeFile(path.join(tmp, CHECKPOINT_FILES.state), `${JSON.stringify(state, null, 2)}\n`);
    await fs.rm(outDir, { recursive: true, force: true });
    await fs.mkdir(path.dirname(outDir), { recursive: true });
    await fs.rename(tmp, outDir);
    return { dir: outDir, steps, state: newest.s };
  } finally {
    model.dispose();
  }
}
