import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { CHECKPOINT_FILES, loadCheckpoint, loadTensors, presetConfig } from "@/lib/gan";
import { initBackend } from "@/lib/tensor";
import { train, WeightAverage } from "@/lib/train";
import { shapesDataset, tmpDir } from "./helpers";

const quiet = { log: () => {} };
const withAverage = (decay: number) =>
  presetConfig("tiny", {
    train: { batchSize: 4, logEvery: 1, sampleEvery: 1000, checkpointEvery: 2, emaDecay: decay },
  });

describe("weight average (EMA) of the generator", () => {
  let dataset: string;
  beforeAll(async () => {
    await initBackend({ force: "wasm", log: () => {} });
    dataset = await shapesDataset({ count: 24 });
  });

  it("follows ema ← d·ema + (1 − d)·w with the warm-up d = min(decay, (1 + t)/(10 + t)), and swaps exactly", () => {
    const w = tf.variable(tf.tensor1d([0, 0]));
    const avg = new WeightAverage(new Map([["w", w]]), 0.5);
    w.assign(tf.tensor1d([10, 20]));
    avg.update(1); // d = min(0.5, 2/11)
    const d1 = 2 / 11;
    expect(Array.from(avg.avg.get("w")?.dataSync() ?? [])).toEqual(
      Array.from(new Float32Array([(1 - d1) * 10, (1 - d1) * 20])),
    );
    w.assign(tf.tensor1d([0, 0]));
    avg.update(100); // d = 0.5
    const e = [0.5 * (1 - d1) * 10, 0.5 * (1 - d1) * 20];
    expect(Array.from(avg.avg.get("w")?.dataSync() ?? [])).toEqual(Array.from(new Float32Array(e)));
    w.assign(tf.tensor1d([3, 4]));
    avg.swapIn();
    expect(Array.from(w.dataSync())).toEqual(Array.from(new Float32Array(e)));
    avg.swapOut();
    expect(Array.from(w.dataSync())).toEqual([3, 4]);
    avg.dispose();
    w.dispose();
  });

  it("checkpoints serve the average, keep the raw weights for training, and a resume matches an uninterrupted run", async () => {
    const runA = path.join(tmpDir("ema"), "a");
    await train({ runDir: runA, datasetDir: dataset, config: withAverage(0.9), maxSteps: 2, ...quiet });
    await train({
      runDir: runA,
      datasetDir: dataset,
      config: withAverage(0.9),
      resume: true,
      maxSteps: 4,
      ...quiet,
    });
    const runB = path.join(tmpDir("ema"), "b");
    await train({ runDir: runB, datasetDir: dataset, config: withAverage(0.9), maxSteps: 4, ...quiet });
    const ckpt = (run: string) => path.join(run, "checkpoints", "step-000004");
    for (const file of [CHECKPOINT_FILES.weights, CHECKPOINT_FILES.optimizer]) {
      const a = await loadTensors(ckpt(runA), file);
      const b = await loadTensors(ckpt(runB), file);
      expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
      for (const [name, t] of a)
        expect(Array.from(t.data), `${file} ${name}`).toEqual(Array.from(b.get(name)?.data ?? []));
    }
    // served (weights) and raw (optimizer file) generator weights differ; the discriminator is the raw one
    const weights = await loadTensors(ckpt(runB), CHECKPOINT_FILES.weights);
    const opt = await loadTensors(ckpt(runB), CHECKPOINT_FILES.optimizer);
    const raws = [...opt.keys()].filter((k) => k.startsWith("raw/"));
    expect(raws.length).toBeGreaterThan(0);
    expect(raws.every((k) => k.startsWith("raw/g1."))).toBe(true);
    const differ = raws.filter(
      (k) =>
        Array.from(opt.get(k)?.data ?? []).join() !== Array.from(weights.get(k.slice(4))?.data ?? []).join(),
    );
    expect(differ.length).toBe(raws.length);
    // what inference loads is the average
    const served = await loadCheckpoint(runB);
    const name = raws[0].slice(4);
    expect(Array.from(served.model.namedTensors().get(name)?.dataSync() ?? [])).toEqual(
      Array.from(weights.get(name)?.data ?? []),
    );
    served.model.dispose();
  });

  it("without an average, checkpoints carry no raw copy (emaDecay 0)", async () => {
    const run = path.join(tmpDir("ema"), "c");
    await train({ runDir: run, datasetDir: dataset, config: withAverage(0), maxSteps: 2, ...quiet });
    const opt = await loadTensors(path.join(run, "checkpoints", "step-000002"), CHECKPOINT_FILES.optimizer);
    expect([...opt.keys()].some((k) => k.startsWith("raw/"))).toBe(false);
  });
});
