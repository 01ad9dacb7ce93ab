import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { GanModel, presetConfig, Rng } from "@/lib/gan";
import { initBackend } from "@/lib/tensor";
import {
  Adam,
  AUG_PER_IMAGE,
  type Batch,
  DataParallel,
  dGrads,
  disposeInputs,
  gGrads,
  splitBatch,
  stepInputs,
} from "@/lib/train";

/** A real run with `workers: 2` died at step 384 with "memory access out of bounds": the worker leaked a copy
 *  of the weights per request. Its memory must stay flat from step to step, as the main thread's does. */
function setup(seed: number) {
  // with every augmentation and the mode-seeking term on: shards must augment their rows exactly as one process
  // would, and each holds whole row pairs
  const config = presetConfig("tiny", {
    train: { batchSize: 8, diffAugment: ["color", "translation", "cutout"], modeSeekWeight: 0.5 },
  });
  const model = new GanModel(config, { seed: 1, withDiscriminator: true });
  const { lrG, lrD, beta1, beta2 } = config.train;
  const optG = new Adam(model.trainedG.trainable, lrG, beta1, beta2);
  const optD = new Adam(model.stores.d?.trainable ?? new Map(), lrD, beta1, beta2);
  const rng = new Rng(seed);
  const n = config.train.batchSize;
  const batch: Batch = {
    size: n,
    imageSize: 64,
    images: rng.normals(n * 64 * 64 * 3, 0.5),
    right: rng.normals(n * config.embDim),
    wrong: rng.normals(n * config.embDim),
    z: rng.normals(n * config.zDim),
    eps: rng.normals(n * config.cDim),
    aug: Float32Array.from({ length: n * AUG_PER_IMAGE }, () => rng.next()),
  };
  const dispose = () => {
    model.dispose();
    optG.dispose();
    optD.dispose();
  };
  return { config, model, optG, optD, batch, dispose };
}

/** The data-parallel step by hand, in one thread: shard-weighted mean of D gradients, D update, then the
 *  shard-weighted mean of G gradients (computed after the D update), G update. */
function referenceStep(s: ReturnType<typeof setup>, shards: number): Record<string, number> {
  const c = s.config;
  const parts = splitBatch(s.batch, shards, c);
  const wts = parts.map((p) => p.size / s.batch.size);
  const xs = parts.map((p) => stepInputs(p, c.embDim, c.zDim, c.cDim));
  const mean = (gs: Map<string, tf.Tensor>[]) => {
    const out = new Map<string, tf.Tensor>();
    for (const name of gs[0].keys())
      out.set(
        name,
        tf.tidy(() =>
          gs
            .slice(1)
            .reduce(
              (acc, g, i) => acc.add((g.get(name) as tf.Tensor).mul(wts[i + 1])),
              (gs[0].get(name) as tf.Tensor).mul(wts[0]),
            ),
        ),
      );
    for (const g of gs) tf.dispose([...g.values()]);
    return out;
  };
  const losses: Record<string, number> = {};
  const addLosses = (l: Record<string, number>, k: number) => {
    for (const [name, v] of Object.entries(l)) losses[name] = (losses[name] ?? 0) + v * wts[k];
  };
  const d = xs.map((x, k) => dGrads(s.model, x, k === 0));
  d.forEach((r, k) => {
    addLosses(r.losses, k);
  });
  const dMean = mean(d.map((r) => r.grads));
  s.optD.apply(dMean);
  tf.dispose([...dMean.values()]);
  const g = xs.map((x) => gGrads(s.model, x));
  g.forEach((r, k) => {
    addLosses(r.losses, k);
  });
  const gMean = mean(g.map((r) => r.grads));
  s.optG.apply(gMean);
  tf.dispose([...gMean.values()]);
  xs.forEach(disposeInputs);
  return losses;
}

describe("DataParallel", () => {
  it("splitBatch cuts every field of a batch at the same rows, uneven sizes included", () => {
    const s = setup(2);
    const parts = splitBatch(s.batch, 5, s.config);
    expect(parts.map((p) => p.size)).toEqual([2, 2, 2, 1, 1]);
    for (const k of ["images", "right", "wrong", "z", "eps", "aug"] as const) {
      const joined = Float32Array.from(parts.flatMap((p) => Array.from(p[k])));
      expect(joined, k).toEqual(s.batch[k]);
      expect(parts[3][k].length * s.batch.size, k).toBe(s.batch[k].length);
    }
    s.dispose();
  });

  it("dgStep over 2 shards gives the weights and losses of the same step computed by hand in one thread", {
    timeout: 120_000,
  }, async () => {
    await initBackend({ force: "wasm", log: () => {} });
    const a = setup(5);
    const b = setup(5);
    const trained = (s: ReturnType<typeof setup>) =>
      new Map([...s.model.trainedG.trainable, ...(s.model.stores.d?.trainable ?? [])]);
    const initial = new Map([...trained(b)].map(([n, v]) => [n, v.dataSync().slice()]));
    const dp = await DataParallel.start(a.model, 2, "wasm");
    try {
      for (let step = 0; step < 3; step++) {
        const got = dp.dgStep(a.model, a.optD, a.optG, a.batch);
        const want = referenceStep(b, 2);
        expect(want.modeSeek).toBeGreaterThan(0);
        for (const k of Object.keys(want)) expect(got[k as keyof typeof got]).toBeCloseTo(want[k], 5);
      }
      const wa = trained(a);
      let worst = 0;
      let moved = 0;
      for (const [name, v] of trained(b)) {
        const x = wa.get(name)?.dataSync() as Float32Array;
        const y = v.dataSync();
        const y0 = initial.get(name) as Float32Array;
        for (let i = 0; i < y.length; i++) {
          worst = Math.max(worst, Math.abs(x[i] - y[i]));
          moved = Math.max(moved, Math.abs(y[i] - y0[i]));
        }
      }
      // three Adam steps move weights by up to about 3·lr; the two ways must agree far below that
      expect(moved).toBeGreaterThan(1e-4);
      expect(worst).toBeLessThan(1e-6);
    } finally {
      await dp.close();
      a.dispose();
      b.dispose();
    }
  });

  it("workers and main thread hold the same number of tensors and bytes after every step", {
    timeout: 120_000,
  }, async () => {
    await initBackend({ force: "wasm", log: () => {} });
    const { model, optG, optD, batch, dispose } = setup(3);
    const dp = await DataParallel.start(model, 2, "wasm");
    try {
      const worker: { numTensors: number; numBytes: number }[] = [];
      const main: number[] = [];
      for (let step = 0; step < 5; step++) {
        dp.dgStep(model, optD, optG, batch);
        worker.push((await dp.workerMemory())[0]);
        main.push(tf.memory().numTensors);
      }
      // the first step creates the optimiser state; from then on nothing may grow
      expect(worker[4].numTensors).toBe(worker[1].numTensors);
      expect(worker[4].numBytes).toBe(worker[1].numBytes);
      expect(main[4]).toBe(main[1]);
    } finally {
      await dp.close();
      dispose();
    }
  });
});
