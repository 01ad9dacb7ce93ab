import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import {
  architectureDiff,
  GanModel,
  ganConfigSchema,
  generateImages,
  noiseFromSeed,
  PRESET_NAMES,
  presetConfig,
  Rng,
  SKIP_CLIP,
  trainStepFlops,
} from "@/lib/gan";
import { initBackend } from "@/lib/tensor";

describe("GAN networks", () => {
  beforeAll(async () => {
    await initBackend({ force: "wasm", log: () => {} });
  });

  it("every preset is a valid config", () => {
    for (const name of PRESET_NAMES) expect(presetConfig(name).preset).toBe(name);
    expect(() => presetConfig("nope")).toThrow(/Unknown preset/);
  });

  it("a disposed model leaves no tensor or byte behind", () => {
    const before = tf.memory();
    const m = new GanModel(presetConfig("tiny"), { seed: 1, withDiscriminator: true });
    expect(tf.memory().numTensors).toBeGreaterThan(before.numTensors);
    m.dispose();
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
  });

  it("Stage-I G and D have the StackGAN shapes on tiny", () => {
    const c = presetConfig("tiny");
    const m = new GanModel(c, { seed: 1, withDiscriminator: true });
    const b = 3;
    tf.tidy(() => {
      const out = m.generate(
        tf.randomNormal([b, c.zDim]),
        tf.randomNormal([b, c.embDim]),
        tf.randomNormal([b, c.cDim]),
        {
          training: true,
        },
      );
      expect(out.image.shape).toEqual([b, 64, 64, 3]);
      expect(out.mu.shape).toEqual([b, c.cDim]);
      expect(out.logvar.shape).toEqual([b, c.cDim]);
      const img = out.image.dataSync();
      expect(Math.max(...img)).toBeLessThanOrEqual(1);
      expect(Math.min(...img)).toBeGreaterThanOrEqual(-1);
      const d = m.d as NonNullable<typeof m.d>;
      const code = d.encode(out.image, { training: true });
      expect(code.shape).toEqual([b, 4, 4, 8 * c.d1.ndf]);
      expect(d.head.cond(code, out.mu, { training: true }).shape).toEqual([b]);
      expect(d.head.uncond(code).shape).toEqual([b]);
    });
    // names are stable and dotted: the ONNX exporter addresses weights by them
    const names = [...m.namedTensors().keys()];
    expect(names).toContain("g1.ca.mu.w");
    expect(names).toContain("g1.ca.logvar.b");
    expect(names).toContain("g1.up3.conv.w");
    expect(names).toContain("g1.up0.bn.mean");
    expect(names).toContain("d1.head.cond_out.w");
    expect(m.namedTensors().get("g1.fc.w")?.shape).toEqual([c.zDim + c.cDim, 16 * 8 * c.g1.ngf]);
    m.dispose();
  });

  it("Stage-II G and D have the 256 px shapes on tiny-stage2", () => {
    const c = presetConfig("tiny-stage2");
    const m = new GanModel(c, { seed: 1, withDiscriminator: true });
    tf.tidy(() => {
      const out = m.generate(
        tf.randomNormal([2, c.zDim]),
        tf.randomNormal([2, c.embDim]),
        tf.randomNormal([2, c.cDim]),
        {
          training: true,
        },
      );
      expect(out.stage1Image.shape).toEqual([2, 64, 64, 3]);
      expect(out.image.shape).toEqual([2, 256, 256, 3]);
      const d = m.d as NonNullable<typeof m.d>;
      const code = d.encode(out.image, { training: true });
      expect(code.shape).toEqual([2, 4, 4, 8 * c.d2.ndf]);
      expect(d.head.cond(code, out.mu, { training: true }).shape).toEqual([2]);
    });
    expect([...m.namedTensors().keys()].some((n) => n.startsWith("g2.res0."))).toBe(true);
    m.dispose();
  });

  it("Stage-II with the skip draws on the Stage-I upscale: a zero last layer gives back the 4× nearest upscale", () => {
    const c = presetConfig("tiny-stage2");
    expect(c.g2.skip).toBe(true);
    const m = new GanModel(c, { seed: 3, withDiscriminator: false });
    const g2 = m.g2 as NonNullable<typeof m.g2>;
    tf.tidy(() => {
      g2.out.w.assign(tf.zerosLike(g2.out.w));
      g2.out.b?.assign(tf.zerosLike(g2.out.b));
      // a Stage-I image with pure white/black pixels (clipped at ±SKIP_CLIP) and mid tones
      const s1 = tf.randomUniform([2, 64, 64, 3], -1.3, 1.3).clipByValue(-1, 1) as tf.Tensor4D;
      const out = g2.apply(s1, tf.randomNormal([2, c.embDim]), tf.randomNormal([2, c.cDim]), {
        training: false,
      });
      const img = out.image.arraySync() as number[][][][];
      const src = s1.arraySync() as number[][][][];
      let worst = 0;
      for (let b = 0; b < 2; b++)
        for (let y = 0; y < 256; y += 5)
          for (let x = 0; x < 256; x += 3)
            for (let ch = 0; ch < 3; ch++) {
              const want = Math.max(-SKIP_CLIP, Math.min(SKIP_CLIP, src[b][y >> 2][x >> 2][ch]));
              worst = Math.max(worst, Math.abs(img[b][y][x][ch] - want));
            }
      expect(worst).toBeLessThan(1e-4);
    });
    // a config saved before the skip existed reads as without it
    const { skip: _, ...oldG2 } = c.g2;
    expect(ganConfigSchema.parse({ ...c, g2: oldG2 }).g2.skip).toBe(false);
    m.dispose();
  });

  it("same seed gives the same weights and the same pixels", () => {
    const c = presetConfig("tiny");
    const a = new GanModel(c, { seed: 5, withDiscriminator: false });
    const b = new GanModel(c, { seed: 5, withDiscriminator: false });
    const other = new GanModel(c, { seed: 6, withDiscriminator: false });
    const emb = new Rng(3).normals(2 * c.embDim);
    const ia = generateImages(a, { embeddings: emb, seed: 9 });
    const ib = generateImages(b, { embeddings: emb, seed: 9 });
    const io = generateImages(other, { embeddings: emb, seed: 9 });
    expect(Buffer.from(ia.images64).equals(Buffer.from(ib.images64))).toBe(true);
    expect(Buffer.from(ia.images64).equals(Buffer.from(io.images64))).toBe(false);
    // image i does not depend on how many were asked for
    const one = generateImages(a, { embeddings: emb.subarray(0, c.embDim), seed: 9 });
    expect(Buffer.from(one.images64).equals(Buffer.from(ia.images64.subarray(0, 64 * 64 * 3)))).toBe(true);
    for (const m of [a, b, other]) m.dispose();
  });

  it("noise is deterministic per seed and respects truncation", () => {
    const n1 = noiseFromSeed(42, 3, 10, 4, 0.5);
    const n2 = noiseFromSeed(42, 3, 10, 4, 0.5);
    expect(n1.z).toEqual(n2.z);
    expect(Math.max(...n1.z.map(Math.abs))).toBeLessThanOrEqual(0.5);
    expect(noiseFromSeed(43, 3, 10, 4).z).not.toEqual(noiseFromSeed(42, 3, 10, 4).z);
  });

  it("Rng state round-trips and streams look standard normal", () => {
    const r = new Rng(11);
    r.normals(5);
    const copy = Rng.fromState(r.state());
    expect(copy.normals(4)).toEqual(r.normals(4));
    const xs = new Rng(1).normals(20000);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(sd - 1)).toBeLessThan(0.03);
  });

  it("bench-stage1 is the STACK.md architecture (≈268 GFLOP per step at batch 64)", () => {
    const c = presetConfig("bench-stage1");
    expect(c.train.batchSize).toBe(64);
    expect(trainStepFlops(c) / 1e9).toBeGreaterThan(260);
    expect(trainStepFlops(c) / 1e9).toBeLessThan(276);
  });

  it("architectureDiff names what changed", () => {
    const a = presetConfig("tiny");
    const b = presetConfig("tiny", { g1: { ngf: 16 }, train: { lrG: 1 } });
    expect(architectureDiff(a, b)).toEqual([`g1: {"ngf":8} vs {"ngf":16}`]);
    expect(architectureDiff(a, presetConfig("tiny", { train: { batchSize: 3 } }))).toEqual([]);
  });
});
