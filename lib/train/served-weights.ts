/**
 * The generator weights a run serves (checkpoints, sample grids): the weight average when the run keeps one,
 * else the raw weights, each with batch-norm statistics measured for them ("precise BN").
 */
import type * as tf from "@tensorflow/tfjs";
import type { GanModel } from "../gan";
import type { Batcher } from "./batcher";
import type { WeightAverage } from "./ema";
import { disposeInputs, recalibrateBatchNorm, stepInputs } from "./steps";

/**
 * Measure the generator's batch-norm statistics on `count` batches of the sequence starting at `step`: a pure
 * function of (seed, step), so a resumed run and an uninterrupted one measure the same.
 */
export function calibrateAt(model: GanModel, batcher: Batcher, step: number, count = 4): void {
  const { zDim, cDim } = model.config;
  const xs = Array.from({ length: count }, (_, k) =>
    stepInputs(batcher.batch(step + k), batcher.embDim, zDim, cDim),
  );
  recalibrateBatchNorm(model, xs);
  xs.forEach(disposeInputs);
}

export class ServedWeights {
  /** the step whose statistics the raw weights carry (-1: none measured, or the average's overwrote them) */
  private calibratedAt = -1;

  constructor(
    private readonly model: GanModel,
    private readonly batcher: Batcher,
    private readonly average: WeightAverage | null,
  ) {}

  /**
   * Run `fn` at `step` with the served weights in the model; with an average, `fn` also gets the raw weights
   * (training uses batch statistics only, so the measured statistics left in place change nothing).
   */
  async use<T>(step: number, fn: (raw?: Map<string, tf.Tensor>) => Promise<T>): Promise<T> {
    if (!this.average) {
      if (this.calibratedAt !== step) calibrateAt(this.model, this.batcher, step);
      this.calibratedAt = step;
      return fn();
    }
    this.average.swapIn();
    try {
      calibrateAt(this.model, this.batcher, step);
      return await fn(this.average.rawWeights);
    } finally {
      this.average.swapOut();
    }
  }
}
