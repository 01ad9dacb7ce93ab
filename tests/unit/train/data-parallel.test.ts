import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { GanModel, presetConfig, Rng } from "@/lib/gan";
import { initBackend } from "@/lib/tensor";
import { Adam, type Batch, DataParallel } from "@/lib/train";

/** A real run with `workers: 2` died at step 384 with "memory access out of bounds": the worker leaked a copy
 *  of the weights per request. Its memory must stay flat from step to step, as the main thread's does. */
describe("DataParallel", () => {
  it("workers and main thread hold the same number of tensors and bytes after every step", {
    timeout: 120_000,
  }, async () => {
    await initBackend({ force: "wasm", log: () => {} });
    const config = presetConfig("tiny", { train: { batchSize: 4 } });
    const model = new GanModel(config, { seed: 1, withDiscriminator: true });
    const { lrG, lrD, beta1, beta2 } = config.train;
    const optG = new Adam(model.trainedG.trainable, lrG, beta1, beta2);
    const optD = new Adam(model.stores.d?.trainable ?? new Map(), lrD, beta1, beta2);
    const rng = new Rng(3);
    const n = 4;
    const batch: Batch = {
      size: n,
      imageSize: 64,
      images: rng.normals(n * 64 * 64 * 3, 0.5),
      right: rng.normals(n * config.embDim),
      wrong: rng.normals(n * config.embDim),
      z: rng.normals(n * config.zDim),
      eps: rng.normals(n * config.cDim),
    };
    const dp = await DataParallel.start(config, 2, "wasm");
    try {
      const worker: { numTensors: number; numBytes: number }[] = [];
      const main: number[] = [];
      for (let step = 0; step < 5; step++) {
        await dp.dStep(model, optD, batch);
        await dp.gStep(model, optG, batch);
        worker.push((await dp.workerMemory())[0]);
        main.push(tf.memory().numTensors);
      }
      // the first step creates the optimiser state; from then on nothing may grow
      expect(worker[4].numTensors).toBe(worker[1].numTensors);
      expect(worker[4].numBytes).toBe(worker[1].numBytes);
      expect(main[4]).toBe(main[1]);
    } finally {
      await dp.close();
      model.dispose();
      optG.dispose();
      optD.dispose();
    }
  });
});
