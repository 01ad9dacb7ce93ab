import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { type LoadedDataset, loadDataset, writeSyntheticShapesDataset } from "@/lib/data";
import {
  EvalNetMismatchError,
  encodeImages,
  evalNetConfig,
  evaluateSplit,
  loadEvalNets,
  planSplit,
  saveEvalNets,
  type TrainedEvalNets,
  trainEvalNets,
} from "@/lib/eval";
import { initBackend } from "@/lib/tensor";

const tmp = (p: string) => mkdtempSync(path.join(os.tmpdir(), `ganvas-eval-${p}-`));

describe("eval networks on the synthetic shapes set", () => {
  let ds: LoadedDataset;
  let trained: TrainedEvalNets;
  let tensorsBefore: number;

  beforeAll(async () => {
    await initBackend({ force: "wasm", log: () => {} });
    const dir = path.join(tmp("ds"), "shapes");
    // 12 classes (4 colours × 3 shapes); every 10th image is val
    await writeSyntheticShapesDataset(dir, { count: 360, dim: 32 });
    ds = await loadDataset(dir);
    tensorsBefore = tf.memory().numTensors;
    trained = await trainEvalNets({ dataset: ds, config: evalNetConfig("tiny", { train: { epochs: 16 } }) });
  });

  it("learns to match val images to their captions far above chance (R-precision vs 1/100)", () => {
    const plan = planSplit(ds, "val", { n: 100, seed: 0 });
    const m = evaluateSplit({ nets: trained.nets, classes: trained.classes, dataset: ds, plan });
    expect(m.chance).toBeCloseTo(0.01, 10);
    expect(m.real.rPrecision).toBeGreaterThan(0.3);
    expect(m.classesKnown).toBe(true);
    // 12 classes: chance is 1/12
    expect(m.real.classAccuracy).toBeGreaterThan(0.3);
    expect(m.generated).toBeNull();
    // the training loss went down
    expect(trained.log[trained.log.length - 1].loss).toBeLessThan(trained.log[0].loss);
  });

  it("scores 'generated' images that are the real ones like the real ones, and shuffled captions near chance", () => {
    const plan = planSplit(ds, "val", { n: 100, seed: 1 });
    const images = ds.images[64] as Uint8Array;
    const gen = new Uint8Array(plan.items.length * 64 * 64 * 3);
    plan.items.forEach((it, i) => {
      gen.set(images.subarray(it.record * 12288, (it.record + 1) * 12288), i * 12288);
    });
    const m = evaluateSplit({ nets: trained.nets, classes: trained.classes, dataset: ds, plan }, gen);
    expect(m.generated?.rPrecision).toBe(m.real.rPrecision);
    expect(m.generated?.frechet).toBeCloseTo(m.real.frechet as number, 6);
    expect(m.shuffled?.rPrecision).toBeLessThan(0.2);
    // the image–text Fréchet distance: the real images with their captions are near the reference pairs; paired with
    // shuffled captions, far
    expect(m.generated?.jointFrechet).toBeCloseTo(m.real.jointFrechet as number, 6);
    expect(m.shuffled?.jointFrechet).toBeGreaterThan(2 * (m.real.jointFrechet as number));
    expect(m.shuffled?.frechet).toBeNull();
    // near classes: each true caption against one caption of each of the split's other classes (nearest first)
    const valClasses = new Set(ds.records.filter((r) => r.split === "val").map((r) => r.class)).size;
    expect(valClasses).toBeGreaterThan(2);
    expect(m.nearClasses).toBe(valClasses - 1);
    const chance = 1 / valClasses;
    expect(m.nearChance).toBeCloseTo(chance, 10);
    expect(m.generated?.rPrecisionNear).toBe(m.real.rPrecisionNear);
    expect(m.real.rPrecisionNear).toBeGreaterThan(2 * chance);
    // a shuffled image meets a caption of its own class among the near ones: below chance
    expect(m.shuffled?.rPrecisionNear).toBeLessThan(chance);
  });

  it("with several captions per image, Fréchet and Inception-like see each image once: the K = 1 figures", () => {
    const ctx = (captionsPerImage: number) => ({
      nets: trained.nets,
      classes: trained.classes,
      dataset: ds,
      plan: planSplit(ds, "val", { n: 100, seed: 2, captionsPerImage }),
    });
    const one = evaluateSplit(ctx(1)).real;
    const three = evaluateSplit(ctx(3)).real;
    expect(three.count).toBe(3 * one.count);
    expect(three.frechet).toBeCloseTo(one.frechet as number, 6);
    expect(three.inceptionLike).toBeCloseTo(one.inceptionLike as number, 6);
    expect(three.rPrecision).toBeGreaterThan(0.2);
  });

  it("leaks no tensors while encoding, and releases everything on dispose", () => {
    const n = tf.memory().numTensors;
    encodeImages(trained.nets, (ds.images[64] as Uint8Array).subarray(0, 50 * 12288));
    expect(tf.memory().numTensors).toBe(n);
    const again = tf.memory().numTensors;
    expect(again - tensorsBefore).toBe(trained.nets.namedTensors().size);
  });

  it("saves a versioned folder, reloads the same weights, and refuses another dataset's hash", async () => {
    const evalDir = tmp("nets");
    const meta = {
      datasetName: ds.manifest.name,
      datasetHash: ds.manifest.hash,
      textEncoderId: ds.manifest.textEncoder?.id ?? null,
      classes: trained.classes,
      steps: trained.steps,
      trainSeconds: trained.seconds,
      backend: "wasm",
    };
    const first = await saveEvalNets(evalDir, trained.nets, meta, trained.log);
    const second = await saveEvalNets(evalDir, trained.nets, meta, trained.log);
    expect(path.basename(first.dir)).toBe("v001");
    expect(path.basename(second.dir)).toBe("v002");
    const ref = { hash: ds.manifest.hash, textEncoderId: ds.manifest.textEncoder?.id ?? null };
    const loaded = await loadEvalNets(evalDir, ref);
    expect(loaded.manifest.version).toBe("v002");
    const img = (ds.images[64] as Uint8Array).subarray(0, 4 * 12288);
    expect(encodeImages(loaded.nets, img).embeddings).toEqual(encodeImages(trained.nets, img).embeddings);
    loaded.nets.dispose();
    const wrong = loadEvalNets(evalDir, { ...ref, hash: "0123456789abcdef" });
    await expect(wrong).rejects.toBeInstanceOf(EvalNetMismatchError);
    await expect(wrong).rejects.toThrow(/trained on dataset hash .* npm run eval:train/);
    trained.nets.dispose();
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });
});
