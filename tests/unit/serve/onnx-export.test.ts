import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeSyntheticShapesDataset } from "@/lib/data";
import { type GanModel, loadCheckpoint, presetConfig, Rng } from "@/lib/gan";
import { exportGeneratorsOnnx, readModelVersionManifest, writeModelVersionFolder } from "@/lib/serve";
import { initBackend } from "@/lib/tensor";
import { train } from "@/lib/train";
import { maxAbs, maxAbsDiff, perturbedModel, randomRows, tmpDir, writeTestCheckpoint } from "./onnx-helpers";

const N = 3;

/** the tfjs model and an ORT session over its export, fed the same inputs */
async function compareStage1(model: GanModel, file: string) {
  const { zDim, embDim, cDim } = model.config;
  const rng = new Rng(11);
  const [z, emb, eps] = [randomRows(rng, N, zDim), randomRows(rng, N, embDim, 0.3), randomRows(rng, N, cDim)];
  const ref = tf.tidy(() =>
    model.g1
      .apply(tf.tensor2d(z, [N, zDim]), tf.tensor2d(emb, [N, embDim]), tf.tensor2d(eps, [N, cDim]), {
        training: false,
      })
      .image.dataSync(),
  );
  const session = await ort.InferenceSession.create(file);
  const out = await session.run({
    z: new ort.Tensor("float32", z, [N, zDim]),
    emb: new ort.Tensor("float32", emb, [N, embDim]),
    eps: new ort.Tensor("float32", eps, [N, cDim]),
  });
  await session.release();
  expect(out.image64.dims).toEqual([N, 64, 64, 3]);
  return { ref, got: out.image64.data as Float32Array, emb, eps };
}

describe("ONNX export of the generators", () => {
  let dir: string;
  const models: GanModel[] = [];
  beforeAll(async () => {
    await initBackend({ force: "wasm", log: () => {} });
    dir = tmpDir("onnx-export");
  });
  afterAll(async () => {
    for (const m of models) m.dispose();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it("Stage-I reproduces tfjs within 1e-4 (folded BN, NCHW inside, both upsampling forms)", async () => {
    const model = perturbedModel("tiny");
    models.push(model);
    for (const upsample of ["subpixel", "resize"] as const) {
      const before = tf.memory().numTensors;
      const res = await exportGeneratorsOnnx(model, path.join(dir, `s1-${upsample}`), { upsample });
      expect(tf.memory().numTensors).toBe(before); // reading weights leaks no tensor
      expect(res.files.map((f) => path.basename(f))).toEqual(["stage1.onnx"]);
      const { ref, got } = await compareStage1(model, res.files[0]);
      // the outputs are not trivial: a wrong fold or layout would move them by ~1
      expect(maxAbs(ref)).toBeGreaterThan(0.5);
      expect(maxAbsDiff(got, ref)).toBeLessThan(1e-4);
    }
  });

  // skip: the preset's 256 px image drawn on the Stage-I upscale; without: configs saved before the skip existed
  it.each([true, false])(
    "Stage-II (skip %s) reproduces tfjs within 1e-4, and the export is deterministic",
    async (skip) => {
      const g2 = { ...presetConfig("tiny-stage2").g2, skip };
      const model = perturbedModel("tiny-stage2", 7, { g2 });
      models.push(model);
      const dir2 = path.join(dir, `s2-${skip}`);
      const res = await exportGeneratorsOnnx(model, dir2);
      expect(res.files.map((f) => path.basename(f))).toEqual(["stage1.onnx", "stage2.onnx"]);
      const s1 = await compareStage1(model, res.files[0]);
      expect(maxAbsDiff(s1.got, s1.ref)).toBeLessThan(1e-4);

      const { embDim, cDim } = model.config;
      const gen2 = model.g2 as NonNullable<GanModel["g2"]>;
      const ref = tf.tidy(() =>
        gen2
          .apply(
            tf.tensor4d(s1.ref, [N, 64, 64, 3]),
            tf.tensor2d(s1.emb, [N, embDim]),
            tf.tensor2d(s1.eps, [N, cDim]),
            {
              training: false,
            },
          )
          .image.dataSync(),
      );
      const session = await ort.InferenceSession.create(res.files[1]);
      const out = await session.run({
        image64: new ort.Tensor("float32", Float32Array.from(s1.ref), [N, 64, 64, 3]),
        emb: new ort.Tensor("float32", s1.emb, [N, embDim]),
        eps: new ort.Tensor("float32", s1.eps, [N, cDim]),
      });
      await session.release();
      expect(out.image256.dims).toEqual([N, 256, 256, 3]);
      expect(maxAbs(ref)).toBeGreaterThan(0.5);
      expect(maxAbsDiff(out.image256.data as Float32Array, ref)).toBeLessThan(1e-4);

      // same weights ⇒ same bytes
      const again = await exportGeneratorsOnnx(model, `${dir2}-again`);
      expect(again.sha256).toEqual(res.sha256);
      const bytes = await fs.readFile(again.files[1]);
      expect(createHash("sha256").update(bytes).digest("hex")).toBe(res.sha256["stage2.onnx"]);
    },
  );

  it("writes a complete model version folder from a checkpoint (generator weights only)", async () => {
    const model = perturbedModel("tiny-stage2", 9);
    models.push(model);
    const ckpt = await writeTestCheckpoint(model, path.join(dir, "run", "checkpoints", "step-000042"));
    // optimiser files in the source must not be copied
    await fs.writeFile(path.join(ckpt, "optimizer.bin"), "x");
    const out = path.join(dir, "versions", "v1");
    const manifest = await writeModelVersionFolder({ checkpoint: ckpt, out });
    expect(manifest).toMatchObject({ name: "v1", stage: 2, textEncoderId: "test/encoder" });
    expect(await readModelVersionManifest(out)).toEqual(manifest);
    expect((await fs.readdir(path.join(out, "onnx"))).sort()).toEqual(["stage1.onnx", "stage2.onnx"]);
    expect((await fs.readdir(path.join(out, "checkpoint"))).sort()).toEqual([
      "state.json",
      "weights.bin",
      "weights.json",
    ]);
    // the copied checkpoint loads and holds the same weights
    const copy = await loadCheckpoint(path.join(out, "checkpoint"));
    const w0 = model.g2?.joint.w.dataSync() as Float32Array;
    expect(maxAbsDiff(copy.model.g2?.joint.w.dataSync() as Float32Array, w0)).toBe(0);
    copy.model.dispose();
  });

  it("exports a real trainer run (its latest checkpoint) and matches it", async () => {
    const ds = path.join(dir, "shapes");
    await writeSyntheticShapesDataset(ds, { count: 16, dim: 32 });
    const runDir = path.join(dir, "trained");
    const config = presetConfig("tiny", {
      train: { batchSize: 4, logEvery: 1, sampleEvery: 1000, checkpointEvery: 3 },
    });
    await train({ runDir, datasetDir: ds, config, maxSteps: 3, log: () => {} });
    const out = path.join(dir, "versions", "trained");
    const manifest = await writeModelVersionFolder({ checkpoint: runDir, out });
    expect(manifest).toMatchObject({ stage: 1, source: { step: 3 } });
    const { model } = await loadCheckpoint(runDir);
    models.push(model);
    // training moved the running statistics away from (0, 1)
    expect(maxAbs(model.g1.ups[0].bn.mean.dataSync())).toBeGreaterThan(1e-3);
    const { ref, got } = await compareStage1(model, path.join(out, "onnx", "stage1.onnx"));
    expect(maxAbsDiff(got, ref)).toBeLessThan(1e-4);
  });
});
