import { promises as fs } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { Rng } from "@/lib/gan";
import {
  type GenerationEvent,
  type GeneratorEngine,
  generationStream,
  loadEngine,
  loadTfjsEngine,
  warmModel,
  writeModelVersionFolder,
} from "@/lib/serve";
import { initBackend } from "@/lib/tensor";
import { maxAbsDiff, perturbedModel, randomRows, tmpDir, writeTestCheckpoint } from "./onnx-helpers";

describe("ONNX serving engine", () => {
  let root: string;
  let version: string;
  const engines: GeneratorEngine[] = [];
  const keep = <T extends GeneratorEngine>(e: T) => {
    engines.push(e);
    return e;
  };

  beforeAll(async () => {
    await initBackend({ force: "wasm", log: () => {} });
    root = tmpDir("onnx-engine");
    const model = perturbedModel("tiny-stage2", 5);
    const ckpt = await writeTestCheckpoint(model, path.join(root, "ckpt"));
    model.dispose();
    version = path.join(root, "v1");
    await writeModelVersionFolder({ checkpoint: ckpt, out: version });
  });
  afterAll(async () => {
    for (const e of engines) await e.dispose();
    await fs.rm(root, { recursive: true, force: true });
  });

  it("loadEngine picks ONNX when exported, tfjs otherwise, and tfjs when the export is broken", async () => {
    const onnx = keep(await loadEngine(version));
    expect(onnx.info).toEqual({
      kind: "onnx",
      embDim: 32,
      zDim: 16,
      cDim: 8,
      hasStage2: true,
      textEncoderId: "test/encoder",
    });

    const noOnnx = path.join(root, "v-tfjs");
    await fs.cp(version, noOnnx, { recursive: true });
    await fs.rm(path.join(noOnnx, "onnx"), { recursive: true });
    const tfjs = keep(await loadEngine(noOnnx));
    expect(tfjs.info).toEqual({ ...onnx.info, kind: "tfjs" });

    // a Stage-II version whose stage2.onnx is missing is not served at 64 px only: tfjs serves both stages
    const half = path.join(root, "v-half");
    await fs.cp(version, half, { recursive: true });
    await fs.rm(path.join(half, "onnx", "stage2.onnx"));
    const halfEngine = keep(await loadEngine(half));
    expect(halfEngine.info).toMatchObject({ kind: "tfjs", hasStage2: true });

    const broken = path.join(root, "v-broken");
    await fs.cp(version, broken, { recursive: true });
    await fs.writeFile(path.join(broken, "onnx", "stage1.onnx"), "not a model");
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const fallback = keep(await loadEngine(broken));
    expect(fallback.info.kind).toBe("tfjs");
    expect(log).toHaveBeenCalledWith(expect.stringMatching(/falling back to TensorFlow\.js/));
    log.mockRestore();
  });

  it("gives the same images as the tfjs engine (Stage-I floats within 1e-4, pixels within 1 level)", async () => {
    const onnx = keep(await loadEngine(version));
    const tfjs = keep(await loadTfjsEngine(path.join(version, "checkpoint")));
    const rng = new Rng(3);
    const items = [0, 1].map(() => ({
      emb: randomRows(rng, 1, 32, 0.3),
      z: randomRows(rng, 1, 16),
      eps: randomRows(rng, 1, 8),
    }));
    const [a, b] = [await onnx.stage1(items), await tfjs.stage1(items)];
    for (let i = 0; i < items.length; i++) {
      expect(maxAbsDiff(a[i].next.image64, b[i].next.image64)).toBeLessThan(1e-4);
      expect(maxAbsDiff(a[i].rgb64, b[i].rgb64)).toBeLessThanOrEqual(1);
    }
    const [fa, fb] = [await onnx.stage2(a.map((x) => x.next)), await tfjs.stage2(b.map((x) => x.next))];
    expect(fa[0].length).toBe(256 * 256 * 3);
    for (let i = 0; i < items.length; i++) expect(maxAbsDiff(fa[i], fb[i])).toBeLessThanOrEqual(1);
  });

  it("same prompt + seed ⇒ identical pixels through generationStream, whatever the count", async () => {
    const model = await warmModel({ id: null, name: "v1", dir: version });
    expect(model.engine.info.kind).toBe("onnx");
    const embedding = randomRows(new Rng(8), 1, 32, 0.3);
    const run = async (count: number) => {
      const events: GenerationEvent[] = [];
      for await (const e of generationStream(model, { embedding, count, seed: 100, truncation: 2 }))
        events.push(e);
      return events;
    };
    const [one, three, threeAgain] = [await run(1), await run(3), await run(3)];
    const finals = (ev: GenerationEvent[]) => ev.filter((e) => e.type === "final");
    expect(finals(three).map((e) => [e.index, e.size])).toEqual([
      [0, 256],
      [1, 256],
      [2, 256],
    ]);
    // byte comparisons (toEqual on 200k-element arrays takes seconds)
    const same = (x: Uint8Array, y: Uint8Array) => Buffer.from(x).equals(Buffer.from(y));
    for (let i = 0; i < 3; i++) expect(same(finals(three)[i].rgb, finals(threeAgain)[i].rgb)).toBe(true);
    expect(same(finals(one)[0].rgb, finals(three)[0].rgb)).toBe(true);
    // different seeds give different images
    expect(maxAbsDiff(finals(three)[0].rgb, finals(three)[1].rgb)).toBeGreaterThan(10);
    const previews = three.filter((e) => e.type === "preview");
    expect(previews.map((e) => e.index)).toEqual([0, 1, 2]);
  });
});
