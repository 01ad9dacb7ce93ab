/**
 * The training loop: `train({ runDir, datasetDir, preset | config, resume, maxSteps, signal, onEvent })`.
 * Runs in any process (the admin console forks a worker); stops cleanly on the AbortSignal, writing a
 * checkpoint. Everything a run needs to continue exactly is in its checkpoints (see run-folder.ts).
 */
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import {
  architectureKey,
  CHECKPOINT_FILES,
  type CheckpointState,
  type GanConfig,
  GanModel,
  trainStepFlops,
} from "../gan";
import { type BackendChoice, initBackend } from "../tensor";
import { Adam } from "./adam";
import { batcherFor } from "./batcher";
import { findResumePoint, setAsideCorrupt } from "./checkpoint-recovery";
import { restoreCheckpoint, saveCheckpoint } from "./checkpoint-writer";
import { DataParallel } from "./data-parallel";
import { WeightAverage } from "./ema";
import { ProgressBar } from "./progress-bar";
import { loadStage1Weights, resolveRunConfig, TrainConfigError } from "./run-config";
import { type ProgressEvent, RunFolder, stepDirName } from "./run-folder";
import { pickSampleSpec, renderSampleGrid } from "./sample-grid";
import { ServedWeights } from "./served-weights";
import { dgStep, disposeInputs, stepInputs } from "./steps";

export interface TrainOptions {
  runDir: string;
  datasetDir: string;
  /** a preset name; ignored fields of the architecture come from the dataset (embDim) */
  preset?: string;
  /** a full config (wins over preset) */
  config?: GanConfig;
  /** training settings to change in the preset's, the config's or (on resume) the saved config (withTrainSettings) */
  trainSettings?: Record<string, unknown>;
  /** continue from runDir's latest checkpoint (a fresh start when it has none) */
  resume?: boolean;
  /** stop when this absolute step count is reached (default: config.train.maxSteps) */
  maxSteps?: number;
  /**
   * stage 2: the finished Stage-I checkpoint or run folder, frozen during training. With resume: another Stage-I
   * of the same architecture (a retrained one) for the run to go on with (G2, D2 and Adam state are kept).
   */
  stage1?: string;
  /**
   * With resume: go on training on `datasetDir` although the run was trained on another dataset (new or changed
   * captions and pictures). The text encoder must be the same one; weights, Adam state and the step count go on.
   */
  switchDataset?: boolean;
  signal?: AbortSignal;
  onEvent?: (e: ProgressEvent) => void;
  backend?: BackendChoice;
  /** terminal progress bar (CLI) */
  progressBar?: boolean;
  log?: (line: string) => void;
  /** how many checkpoint folders to keep (default 5) */
  keepCheckpoints?: number;
  /**
   * Also keep a milestone (weights + state.json, in kept/) of the first checkpoint at or past every multiple
   * of this many steps, for comparing checkpoints later. 0 or absent: none.
   */
  keepEvery?: number;
  /**
   * Awaited after each checkpoint is written (e.g. to evaluate it). Its time is left out of the run's elapsed
   * time and images/s.
   */
  afterCheckpoint?: (c: { step: number; dir: string }) => Promise<void>;
  /** data-parallel shards over worker_threads (default 1: main thread only, bit-exact resume) */
  workers?: number;
}

export { TrainConfigError };

export interface TrainResult {
  status: "done" | "stopped";
  step: number;
  runDir: string;
  checkpointDir: string | null;
}

/**
 * The WebAssembly runtime aborted (its heap is at most 4 GB; a step that needs more aborts it). Nothing more
 * can run on that backend in this process: whoever catches this should let the process end.
 */
export class BackendAbortedError extends Error {
  constructor(config: GanConfig) {
    const px = config.stage === 1 ? 64 : 256;
    super(
      `Training ran out of memory: a ${px} px step at batch ${config.train.batchSize} needs more than the 4 GB the ` +
        "WebAssembly backend can hold. Start a new run with a smaller batch size or a narrower model; the last " +
        "checkpoint of this run is intact.",
    );
    this.name = "BackendAbortedError";
  }
}

function isWasmAbort(err: unknown): boolean {
  return err instanceof WebAssembly.RuntimeError && /Aborted\(/.test(err.message);
}

const now = () => new Date().toISOString();

export function learningRates(c: GanConfig, step: number): { g: number; d: number } {
  const t = c.train;
  const k = t.lrDecayEvery > 0 ? t.lrDecayFactor ** Math.floor(step / t.lrDecayEvery) : 1;
  return { g: t.lrG * k, d: t.lrD * k };
}

export async function train(opts: TrainOptions): Promise<TrainResult> {
  const log = opts.log ?? ((l: string) => console.error(l));
  const backend = await initBackend({ force: opts.backend, log });
  const run = new RunFolder(opts.runDir);
  if (!opts.resume) {
    const latest = await run.latest();
    const folders = await run.stepFolders();
    if (latest || folders.length)
      throw new TrainConfigError(
        `${opts.runDir} already has checkpoints (${latest ? `step ${latest.step}` : folders.at(-1)}): pass resume to continue it, or use a new run folder.`,
      );
  }
  // the newest intact checkpoint (corrupt newer ones are skipped, see checkpoint-recovery.ts)
  const resumePoint = opts.resume ? await findResumePoint(run) : null;
  const saved: CheckpointState | null = resumePoint?.state ?? null;

  // ── config: requested (preset/config) vs saved; the architecture must match on resume
  const { config, ds, textEncoderId, stage1Dir, stage1Swapped, datasetSwitched } = await resolveRunConfig(
    opts,
    saved,
  );
  const maxSteps = opts.maxSteps ?? config.train.maxSteps;
  const shards = opts.workers ?? 1;
  if ((config.train.modeSeekWeight ?? 0) > 0 && config.train.batchSize % (2 * shards) !== 0)
    throw new TrainConfigError(
      `The mode-seeking term pairs rows: batch size ${config.train.batchSize} must split into ${shards} shard(s) of an even size (a multiple of ${2 * shards}).`,
    );

  // ── model, optimisers, state
  const model = new GanModel(config, { seed: config.train.seed, withDiscriminator: true });
  const lr0 = learningRates(config, saved?.step ?? 0);
  const opt = {
    g: new Adam(model.trainedG.trainable, lr0.g, config.train.beta1, config.train.beta2),
    d: new Adam(model.stores.d?.trainable ?? new Map(), lr0.d, config.train.beta1, config.train.beta2),
  };
  let average: WeightAverage | null = null;
  const dispose = () => {
    average?.dispose();
    model.dispose();
    opt.g.dispose();
    opt.d.dispose();
  };
  let step = 0;
  let dp: DataParallel | null = null;
  let aborted = false;
  try {
    if (saved && resumePoint) {
      const restored = await restoreCheckpoint(path.join(run.checkpointsDir, resumePoint.name), model, opt);
      if (config.train.emaDecay > 0) {
        // continue the saved average; a checkpoint written without one starts it at the raw weights
        average = new WeightAverage(model.trainedG.trainable, config.train.emaDecay);
        if (restored.average) average.load(restored.average);
      }
      if (restored.average) tf.dispose([...restored.average.values()]);
      step = saved.step;
      await run.truncateProgressAfter(step);
      log(`[ganvas] resuming ${opts.runDir} at step ${step}`);
      /** a message in the log and a warning event on the run */
      const warn = async (message: string) => {
        log(`[ganvas] warning: ${message}`);
        const e: ProgressEvent = { type: "warning", step, message, time: now() };
        await run.appendEvent(e);
        opts.onEvent?.(e);
      };
      // run.json follows what this resume changed: the dataset (switchDataset) and the frozen Stage-I (stage1)
      const runChanges = {
        ...(datasetSwitched
          ? { datasetDir: path.resolve(opts.datasetDir), datasetHash: ds.manifest.hash }
          : {}),
        ...(stage1Swapped && stage1Dir ? { stage1Checkpoint: stage1Dir } : {}),
      };
      if (Object.keys(runChanges).length) {
        const info = await run.readRun();
        if (info) await run.writeRun({ ...info, ...runChanges });
      }
      if (datasetSwitched)
        await warn(
          `dataset switched from step ${step}: ${path.resolve(opts.datasetDir)} (hash ${ds.manifest.hash}, was ${saved.datasetHash})`,
        );
      if (stage1Swapped && stage1Dir) {
        // a Stage-II run continued on another (retrained) Stage-I: G2 and D2 go on, the frozen Stage-I is new
        await loadStage1Weights(model, stage1Dir);
        await warn(`Stage-I replaced from step ${step}: ${stage1Dir} (was ${saved.stage1Checkpoint})`);
      }
      if (resumePoint.skipped.length) await warn(await setAsideCorrupt(run, resumePoint));
    } else {
      if (stage1Dir) await loadStage1Weights(model, stage1Dir);
      await run.init();
      await run.writeRun({
        id: path.basename(path.resolve(opts.runDir)),
        preset: config.preset,
        config,
        datasetDir: path.resolve(opts.datasetDir),
        datasetHash: ds.manifest.hash,
        textEncoderId,
        createdAt: now(),
        stage1Checkpoint: stage1Dir,
      });
    }
    if (!average && config.train.emaDecay > 0)
      average = new WeightAverage(model.trainedG.trainable, config.train.emaDecay);
    await run.init();
    const batcher = batcherFor(ds, config, model.imageSize);
    const spec = pickSampleSpec(ds, 8, 6);
    const emit = async (e: ProgressEvent) => {
      await run.appendEvent(e);
      opts.onEvent?.(e);
    };
    const served = new ServedWeights(model, batcher, average);
    // the step of the last checkpoint a milestone was taken from (a resume counts its own start as taken)
    let lastKept = step;
    const checkpoint = async (): Promise<string> => {
      const dir = await served.use(step, (raw) =>
        saveCheckpoint(
          run,
          model,
          opt,
          {
            step,
            epoch: batcher.epochOf(step),
            config,
            architecture: architectureKey(config),
            rng: { seed: config.train.seed, counter: step },
            datasetHash: ds.manifest.hash,
            datasetDir: path.resolve(opts.datasetDir),
            textEncoderId,
            stage1Checkpoint: stage1Dir,
            lr: { g: opt.g.lr, d: opt.d.lr },
            time: now(),
          },
          opts.keepCheckpoints ?? 5,
          raw,
        ),
      );
      await emit({ type: "checkpoint", step, dir, time: now() });
      const every = opts.keepEvery ?? 0;
      if (every > 0 && Math.floor(step / every) > Math.floor(lastKept / every)) {
        lastKept = step;
        const files = [
          `${CHECKPOINT_FILES.weights}.bin`,
          `${CHECKPOINT_FILES.weights}.json`,
          CHECKPOINT_FILES.state,
        ];
        log(`[ganvas] milestone kept: ${await run.keepMilestone(step, files)}`);
      }
      if (opts.afterCheckpoint) {
        const t = Date.now();
        await opts.afterCheckpoint({ step, dir });
        // the hook's time is not training time
        started += Date.now() - t;
        windowStart += Date.now() - t;
      }
      return dir;
    };
    const sample = async () => {
      const file = path.join("samples", `${stepDirName(step)}.png`);
      await served.use(step, () => renderSampleGrid(model, spec, path.join(run.dir, file)));
      await emit({ type: "sample", step, file, time: now() });
    };

    log(
      `[ganvas] training ${config.preset} (stage ${config.stage}) on ${ds.manifest.name} (${batcher.trainIdx.length} images), ` +
        `batch ${config.train.batchSize}, ${(trainStepFlops(config) / 1e9).toFixed(1)} GFLOP/step, backend ${backend.description}`,
    );
    const bar = opts.progressBar ? new ProgressBar(maxSteps) : null;
    dp = shards > 1 ? await DataParallel.start(model, shards, backend.choice) : null;
    await emit({
      type: "session",
      step,
      backend: backend.description,
      workers: shards,
      time: now(),
    });
    let started = Date.now();
    let windowStart = Date.now();
    let windowSteps = 0;
    let lastCheckpointStep = saved?.step ?? -1;
    while (step < maxSteps) {
      if (opts.signal?.aborted) break;
      const lr = learningRates(config, step);
      opt.g.lr = lr.g;
      opt.d.lr = lr.d;
      let losses: Record<string, number>;
      if (dp) {
        const b = batcher.batch(step);
        losses = dp.dgStep(model, opt.d, opt.g, b);
      } else {
        const x = stepInputs(batcher.batch(step), batcher.embDim, config.zDim, config.cDim);
        try {
          losses = dgStep(model, opt.d, opt.g, x);
        } finally {
          disposeInputs(x);
        }
      }
      step++;
      windowSteps++;
      average?.update(step);
      for (const [k, v] of Object.entries(losses))
        if (!Number.isFinite(v))
          throw new Error(`loss ${k} became ${v} at step ${step}: lower the learning rate`);
      if (step % config.train.logEvery === 0 || step === maxSteps) {
        const secs = (Date.now() - windowStart) / 1000;
        const imagesPerSec = (windowSteps * config.train.batchSize) / Math.max(secs, 1e-9);
        const etaSec = ((maxSteps - step) * config.train.batchSize) / Math.max(imagesPerSec, 1e-9);
        await emit({
          type: "step",
          step,
          epoch: batcher.epochOf(step),
          stage: config.stage,
          losses,
          lr,
          imagesPerSec,
          etaSec,
          elapsedSec: (Date.now() - started) / 1000,
          time: now(),
        });
        bar?.update(step, losses, imagesPerSec, etaSec);
        windowStart = Date.now();
        windowSteps = 0;
      }
      if (step % config.train.sampleEvery === 0) await sample();
      if (step % config.train.checkpointEvery === 0) {
        await checkpoint();
        lastCheckpointStep = step;
      }
      // let signals and IPC messages in between steps
      await new Promise((r) => setImmediate(r));
    }
    bar?.end();
    const stopped = step < maxSteps;
    const checkpointDir =
      step !== lastCheckpointStep ? await checkpoint() : path.join("checkpoints", stepDirName(step));
    if (!stopped && step % config.train.sampleEvery !== 0) await sample();
    await emit({ type: stopped ? "stopped" : "done", step, time: now() });
    return { status: stopped ? "stopped" : "done", step, runDir: opts.runDir, checkpointDir };
  } catch (caught) {
    aborted = isWasmAbort(caught);
    const err = aborted ? new BackendAbortedError(config) : caught;
    const e: ProgressEvent = {
      type: "error",
      step,
      message: err instanceof Error ? err.message : String(err),
      time: now(),
    };
    await run.appendEvent(e).catch(() => {});
    opts.onEvent?.(e);
    throw err;
  } finally {
    await dp?.close();
    // after an abort the wasm runtime refuses every call, freeing included
    if (!aborted) dispose();
  }
}
