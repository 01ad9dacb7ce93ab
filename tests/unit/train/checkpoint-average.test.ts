import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { CHECKPOINT_FILES, loadGenerator, loadTensors, presetConfig, readCheckpointState } from "@/lib/gan";
import { initBackend } from "@/lib/tensor";
import { averageCheckpoints, train } from "@/lib/train";
import { shapesDataset, tmpDir } from "./helpers";

describe("checkpoint averaging", () => {
  let run: string;
  let dataset: string;
  const ckpt = (step: number) => path.join(run, "checkpoints", `step-${String(step).padStart(6, "0")}`);

  beforeAll(async () => {
    await initBackend({ force: "wasm", log: () => {} });
    dataset = await shapesDataset({ count: 24 });
    run = path.join(tmpDir("avg"), "run");
    const config = presetConfig("tiny", {
      train: { batchSize: 4, logEvery: 1, sampleEvery: 1000, checkpointEvery: 2 },
    });
    await train({ runDir: run, datasetDir: dataset, config, maxSteps: 6, log: () => {} });
  }, 120_000);

  it("averages the trained generator, keeps the rest of the newest, re-measures BN, and loads as a checkpoint", async () => {
    const out = path.join(tmpDir("avg-out"), "avg");
    const r = await averageCheckpoints([ckpt(6), ckpt(2), ckpt(4)], out);
    expect(r.steps).toEqual([2, 4, 6]);
    const w = await Promise.all([2, 4, 6].map((s) => loadTensors(ckpt(s), CHECKPOINT_FILES.weights)));
    const avg = await loadTensors(out, CHECKPOINT_FILES.weights);
    const names = [...avg.keys()];
    const gWeight = names.find((n) => n.startsWith("g1.") && /kernel|weight|w$/.test(n)) ?? "";
    expect(gWeight).not.toBe("");
    const a = avg.get(gWeight)?.data as Float32Array;
    for (let i = 0; i < a.length; i += 97) {
      const mean =
        (w[0].get(gWeight)?.data[i] ?? 0) / 3 +
        (w[1].get(gWeight)?.data[i] ?? 0) / 3 +
        (w[2].get(gWeight)?.data[i] ?? 0) / 3;
      expect(a[i]).toBeCloseTo(mean, 6);
    }
    // the discriminator is the newest checkpoint's, untouched
    const dName = names.find((n) => n.startsWith("d1.")) ?? "";
    expect([...(avg.get(dName)?.data ?? [])]).toEqual([...(w[2].get(dName)?.data ?? [])]);
    // running statistics were measured again for the averaged weights: they match none of the inputs
    const stat = names.find((n) => n.startsWith("g1.") && /mean/i.test(n)) ?? "";
    expect(stat).not.toBe("");
    for (const k of [0, 1, 2])
      expect([...(avg.get(stat)?.data ?? [])]).not.toEqual([...(w[k].get(stat)?.data ?? [])]);
    const state = await readCheckpointState(out);
    expect(state.step).toBe(6);
    const gen = await loadGenerator(out);
    const img = gen.generate({ embeddings: new Float32Array(2 * state.config.embDim), seed: 1 });
    expect(img.images64.length).toBe(2 * 64 * 64 * 3);
    expect(img.images64.some((v) => v !== img.images64[0])).toBe(true);
    gen.dispose();
  });

  it("refuses checkpoints of different models, and a single checkpoint", async () => {
    const other = path.join(tmpDir("avg2"), "run");
    await train({
      runDir: other,
      datasetDir: dataset,
      config: presetConfig("tiny", {
        g1: { ngf: 4 },
        train: { batchSize: 4, logEvery: 1, sampleEvery: 1000, checkpointEvery: 2 },
      }),
      maxSteps: 2,
      log: () => {},
    });
    const out = path.join(tmpDir("avg-bad"), "avg");
    await expect(
      averageCheckpoints([ckpt(2), path.join(other, "checkpoints", "step-000002")], out),
    ).rejects.toThrow(/not a checkpoint of the same model and dataset/);
    await expect(averageCheckpoints([ckpt(2)], out)).rejects.toThrow(/at least two/);
  }, 120_000);
});
