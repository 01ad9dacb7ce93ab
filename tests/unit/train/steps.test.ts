import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { loadDataset } from "@/lib/data";
import { GanModel, presetConfig } from "@/lib/gan";
import { initBackend } from "@/lib/tensor";
import {
  Adam,
  Batcher,
  batcherFor,
  contentLoss,
  dgStep,
  disposeInputs,
  dStep,
  gGrads,
  gStep,
  modeSeekingLoss,
  stepInputs,
} from "@/lib/train";
import { shapesDataset } from "./helpers";

describe("D and G steps", () => {
  beforeAll(async () => {
    await initBackend({ force: "wasm", log: () => {} });
  });

  it("one step gives finite named losses, changes weights, and leaks no tensors", async () => {
    const ds = await loadDataset(await shapesDataset({ count: 24 }));
    const c = presetConfig("tiny", { embDim: 32, train: { batchSize: 4 } });
    const m = new GanModel(c, { seed: 1, withDiscriminator: true });
    const optG = new Adam(m.trainedG.trainable, 1e-3);
    const optD = new Adam(m.stores.d?.trainable ?? new Map(), 1e-3);
    const batcher = new Batcher(ds, { batchSize: 4, imageSize: 64, seed: 1, zDim: c.zDim, cDim: c.cDim });
    const snapshot = () => new Map([...m.namedTensors()].map(([n, v]) => [n, v.dataSync().slice()]));
    const step = (s: number) => {
      const x = stepInputs(batcher.batch(s), 32, c.zDim, c.cDim);
      const l = { ...dStep(m, optD, x), ...gStep(m, optG, x) };
      disposeInputs(x);
      return l;
    };
    const before = snapshot();
    const losses = step(0);
    for (const k of ["d", "dReal", "dWrong", "dFake", "g", "gAdv", "kl"])
      expect(Number.isFinite(losses[k as "d"])).toBe(true);
    const after = snapshot();
    const changed = (name: string) => before.get(name)?.some((v, i) => v !== after.get(name)?.[i]);
    expect(changed("g1.up0.conv.w")).toBe(true); // G trained
    expect(changed("g1.ca.mu.w")).toBe(true); // CA trained through G loss
    expect(changed("d1.down1.conv.w")).toBe(true); // D trained
    expect(changed("g1.up0.bn.mean")).toBe(true); // running statistics moved
    const count = tf.memory().numTensors;
    step(1);
    step(2);
    expect(tf.memory().numTensors).toBe(count);
    m.dispose();
    optG.dispose();
    optD.dispose();
  });

  it("dgStep (one generator pass) gives the losses and weights of dStep then gStep, and leaks nothing", async () => {
    const ds = await loadDataset(await shapesDataset({ count: 24 }));
    const c = presetConfig("tiny", { embDim: 32, train: { batchSize: 4 } });
    const batcher = new Batcher(ds, { batchSize: 4, imageSize: 64, seed: 1, zDim: c.zDim, cDim: c.cDim });
    const make = () => {
      const m = new GanModel(c, { seed: 1, withDiscriminator: true });
      return {
        m,
        g: new Adam(m.trainedG.trainable, 1e-3),
        d: new Adam(m.stores.d?.trainable ?? new Map(), 1e-3),
      };
    };
    const two = make();
    const one = make();
    const run = (s: number) => {
      const x = stepInputs(batcher.batch(s), 32, c.zDim, c.cDim);
      const a: Record<string, number> = { ...dStep(two.m, two.d, x), ...gStep(two.m, two.g, x) };
      const b: Record<string, number> = dgStep(one.m, one.d, one.g, x);
      disposeInputs(x);
      return { a, b };
    };
    for (let s = 0; s < 3; s++) {
      const { a, b } = run(s);
      for (const k of ["d", "dReal", "dWrong", "dFake", "g", "gAdv", "kl"]) expect(b[k]).toBeCloseTo(a[k], 4);
    }
    const wa = two.m.namedTensors();
    for (const [name, v] of one.m.namedTensors()) {
      const x = v.dataSync();
      const y = wa.get(name)?.dataSync() as Float32Array;
      let diff = 0;
      for (let i = 0; i < x.length; i++) diff = Math.max(diff, Math.abs(x[i] - y[i]));
      expect(diff, name).toBeLessThan(1e-4);
    }
    const count = tf.memory().numTensors;
    run(3);
    expect(tf.memory().numTensors).toBe(count);
    for (const t of [one, two]) {
      t.m.dispose();
      t.g.dispose();
      t.d.dispose();
    }
  });

  it("Stage-II reconstruction warm start: an L1 part in the G loss that G2 learns to lower; absent when off", async () => {
    const ds = await loadDataset(await shapesDataset({ count: 8, sizes: [64, 256] }));
    // without the skip (G2 draws from scratch) the term starts high and must be learnt; the skip case is below
    const make = (reconWeight: number, skip = false) => {
      const c = presetConfig("tiny-stage2", {
        embDim: 32,
        g2: { ngf: 8, resBlocks: 1, skip },
        train: { batchSize: 2, reconWeight, lrG: 2e-3 },
      });
      const m = new GanModel(c, { seed: 1, withDiscriminator: true });
      return {
        c,
        m,
        g: new Adam(m.trainedG.trainable, 1e-2),
        d: new Adam(m.stores.d?.trainable ?? new Map(), 2e-3),
      };
    };
    const off = make(0);
    const batcher = new Batcher(ds, {
      batchSize: 2,
      imageSize: 256,
      seed: 1,
      zDim: off.c.zDim,
      cDim: off.c.cDim,
    });
    const x = stepInputs(batcher.batch(0), 32, off.c.zDim, off.c.cDim);
    const plain = gGrads(off.m, x);
    expect("recon" in plain.losses).toBe(false);
    tf.dispose([...plain.grads.values()]);

    const on = make(5);
    const first = gGrads(on.m, x);
    const { g, gAdv, kl, recon } = first.losses;
    tf.dispose([...first.grads.values()]);
    // the rebuilt image starts far from the real one: |x| of images in [-1, 1] is large
    expect(recon).toBeGreaterThan(0.05);
    expect(g).toBeCloseTo((gAdv as number) + on.c.train.klWeight * kl + 5 * (recon as number), 3);
    // G2 learns to rebuild real images from their 64 px copies: the term falls over a few steps on one batch,
    // and it is the term that does it: with a negligible weight (measured, not trained) it stays high
    const trainFor = (t: typeof on) => {
      let last = Number.NaN;
      for (let s = 0; s < 12; s++) last = dgStep(t.m, t.d, t.g, x).recon as number;
      return last;
    };
    const trained = trainFor(on);
    expect(trained).toBeLessThan(0.7 * (recon as number));
    const control = make(1e-9);
    const untrained = trainFor(control);
    expect(untrained).toBeGreaterThan(0.9 * (recon as number));
    // with the skip, G2 starts from the Stage-I upscale: the same untrained net rebuilds far better at once
    const skip = make(5, true);
    const start = gGrads(skip.m, x);
    tf.dispose([...start.grads.values()]);
    expect(start.losses.recon).toBeLessThan(0.3 * (recon as number));
    disposeInputs(x);
    for (const t of [off, on, control, skip]) {
      t.m.dispose();
      t.g.dispose();
      t.d.dispose();
    }
  });

  it("Stage-II layout term: G2's image pooled to 64 px against its Stage-I image; 0 for the plain upscale", async () => {
    const ds = await loadDataset(await shapesDataset({ count: 8, sizes: [64, 256] }));
    const c = presetConfig("tiny-stage2", { embDim: 32, train: { batchSize: 2, layoutWeight: 5 } });
    const m = new GanModel(c, { seed: 2, withDiscriminator: true });
    const batcher = new Batcher(ds, { batchSize: 2, imageSize: 256, seed: 1, zDim: c.zDim, cDim: c.cDim });
    const x = stepInputs(batcher.batch(0), 32, c.zDim, c.cDim);
    const g2 = m.g2 as NonNullable<typeof m.g2>;
    const losses = () => {
      const r = gGrads(m, x);
      tf.dispose([...r.grads.values()]);
      return r.losses;
    };
    // a zero last layer: G2 draws exactly the 4× upscale, which pools back to the Stage-I image (up to the clip)
    tf.tidy(() => g2.out.w.assign(tf.zerosLike(g2.out.w)));
    const identity = losses();
    expect(identity.layout).toBeLessThan(1e-3);
    expect("recon" in identity).toBe(false);
    // a last layer that draws something: the term sees it and is part of the G loss
    tf.tidy(() => g2.out.w.assign(tf.randomNormal(g2.out.w.shape, 0, 2, "float32", 5)));
    const moved = losses();
    expect(moved.layout).toBeGreaterThan(0.01);
    expect(moved.g).toBeCloseTo(
      (moved.gAdv as number) + c.train.klWeight * moved.kl + 5 * (moved.layout as number),
      3,
    );
    // off by default
    const plain = new GanModel(presetConfig("tiny-stage2", { embDim: 32 }), {
      seed: 2,
      withDiscriminator: true,
    });
    const r = gGrads(plain, x);
    tf.dispose([...r.grads.values()]);
    expect("layout" in r.losses).toBe(false);
    disposeInputs(x);
    m.dispose();
    plain.dispose();
  });

  it("Stage-I content term: known values, part of the G loss, G learns to lower it; absent when off", async () => {
    // known answers: identical images 0; a constant gap of 0.5 is 0.5 at any pooling; a ±1 checkerboard against 0
    // is 1 at full size and 0 once 2×2 pooling averages it out
    const a = tf.randomUniform([2, 8, 8, 3], -1, 1, "float32", 3) as tf.Tensor4D;
    const checker = tf.tensor4d(
      Array.from({ length: 2 * 8 * 8 * 3 }, (_, i) => {
        const p = Math.floor(i / 3) % 64;
        return (Math.floor(p / 8) + (p % 8)) % 2 === 0 ? 1 : -1;
      }),
      [2, 8, 8, 3],
    );
    const zero = tf.zerosLike(checker);
    const value = (t: tf.Scalar) => {
      const v = t.dataSync()[0];
      t.dispose();
      return v;
    };
    expect(value(contentLoss(a, a, 2))).toBe(0);
    expect(value(contentLoss(a, a.add(0.5) as tf.Tensor4D, 4))).toBeCloseTo(0.5, 5);
    expect(value(contentLoss(checker, zero, 1))).toBeCloseTo(1, 5);
    expect(value(contentLoss(checker, zero, 2))).toBeCloseTo(0, 5);
    tf.dispose([a, checker, zero]);

    const ds = await loadDataset(await shapesDataset({ count: 24 }));
    const make = (contentWeight: number) => {
      const c = presetConfig("tiny", { embDim: 32, train: { batchSize: 4, contentWeight, contentPool: 2 } });
      const m = new GanModel(c, { seed: 3, withDiscriminator: true });
      const g = new Adam(m.trainedG.trainable, 2e-3);
      const d = new Adam(m.stores.d?.trainable ?? new Map(), 2e-3);
      return { c, m, g, d };
    };
    const batcher = new Batcher(ds, { batchSize: 4, imageSize: 64, seed: 1, zDim: 16, cDim: 8 });
    const x = stepInputs(batcher.batch(0), 32, 16, 8);
    const plain = make(0);
    const off = gGrads(plain.m, x);
    tf.dispose([...off.grads.values()]);
    expect("content" in off.losses).toBe(false);
    const on = make(20);
    const first = gGrads(on.m, x);
    tf.dispose([...first.grads.values()]);
    const { g, gAdv, kl, content } = first.losses;
    expect(content).toBeGreaterThan(0.05);
    expect(g).toBeCloseTo((gAdv as number) + on.c.train.klWeight * kl + 20 * (content as number), 3);
    // the real images G is asked to match are those of the captions it drew from: training lowers the term
    let last = content as number;
    for (let s = 0; s < 20; s++) last = dgStep(on.m, on.d, on.g, x).content as number;
    expect(last).toBeLessThan(0.7 * (content as number));
    disposeInputs(x);
    for (const t of [plain, on]) {
      t.m.dispose();
      t.g.dispose();
      t.d.dispose();
    }
  });

  it("mode-seeking term: known values, per-pair (shards of whole pairs average to it), and G learns to raise the gap", async () => {
    // pairs with image gaps 0.5 and 0.25 and z gaps 1 and 0.5: ratios 0.5 and 0.5 → 1 / (0.5 + 1e-5) each
    const img = tf.tensor4d(
      [0, 0.5, 1, 1.25, 0, 0, 0, 0.5].flatMap((v) => [v, v, v, v]),
      [8, 2, 2, 1],
    );
    const z = tf.tensor2d([0, 1, 0, 0.5, 3, 4, 1, 1.5], [8, 1]);
    const full = modeSeekingLoss(img.slice(0, 4) as tf.Tensor4D, z.slice(0, 4) as tf.Tensor2D);
    expect(full.dataSync()[0]).toBeCloseTo(1 / (0.5 + 1e-5), 3);
    const all = modeSeekingLoss(img, z).dataSync()[0];
    // rows 4–7: gaps 0 (a collapsed pair: 1e5) and 0.5 over z gap 0.5 (ratio 1)
    const halves = [0, 4].map(
      (r) => modeSeekingLoss(img.slice(r, 4) as tf.Tensor4D, z.slice(r, 4) as tf.Tensor2D).dataSync()[0],
    );
    expect(halves[1]).toBeCloseTo((1e5 + 1 / (1 + 1e-5)) / 2, 0);
    expect(all).toBeCloseTo((halves[0] + halves[1]) / 2, 0);
    expect(() => modeSeekingLoss(img.slice(0, 3) as tf.Tensor4D, z.slice(0, 3) as tf.Tensor2D)).toThrow(
      /pairs/,
    );
    tf.dispose([img, z, full]);

    // paired batches: rows 2k and 2k+1 share image and caption, not noise; an odd batch is refused
    const ds = await loadDataset(await shapesDataset({ count: 24 }));
    const c = presetConfig("tiny", { embDim: 32, train: { batchSize: 8, modeSeekWeight: 1, lrG: 2e-3 } });
    const batcher = batcherFor(ds, c, 64);
    expect(batcher.stepsPerEpoch).toBe(Math.floor(batcher.trainIdx.length / 4));
    const b = batcher.batch(0);
    const px = 64 * 64 * 3;
    const row = (a: Float32Array, i: number, n: number) => Array.from(a.subarray(i * n, (i + 1) * n));
    for (let k = 0; k < 4; k++) {
      expect(row(b.images, 2 * k + 1, px)).toEqual(row(b.images, 2 * k, px));
      expect(row(b.right, 2 * k + 1, 32)).toEqual(row(b.right, 2 * k, 32));
      expect(row(b.z, 2 * k + 1, c.zDim)).not.toEqual(row(b.z, 2 * k, c.zDim));
    }
    expect(row(b.images, 2, px)).not.toEqual(row(b.images, 0, px));
    expect(
      () => new Batcher(ds, { batchSize: 5, imageSize: 64, seed: 1, zDim: 4, cDim: 2, pairs: true }),
    ).toThrow(/even batch size/);

    // G learns to make the pictures of a pair differ: the term falls with its weight on, not with it ~off
    const x = stepInputs(b, 32, c.zDim, c.cDim);
    const trainFor = (weight: number) => {
      const cw = presetConfig("tiny", {
        embDim: 32,
        train: { batchSize: 8, modeSeekWeight: weight, lrG: 2e-3 },
      });
      const m = new GanModel(cw, { seed: 1, withDiscriminator: true });
      const g = new Adam(m.trainedG.trainable, 2e-3);
      const d = new Adam(m.stores.d?.trainable ?? new Map(), 2e-3);
      const first = dgStep(m, d, g, x).modeSeek as number;
      let last = first;
      for (let s = 0; s < 10; s++) last = dgStep(m, d, g, x).modeSeek as number;
      for (const t of [m, g, d]) t.dispose();
      return { first, last };
    };
    const on = trainFor(1);
    const control = trainFor(1e-9);
    expect(on.first).toBeCloseTo(control.first, 3);
    expect(on.last).toBeLessThan(0.7 * on.first);
    expect(control.last).toBeGreaterThan(on.last);
    disposeInputs(x);
  });

  it("batches are a pure function of (seed, step)", async () => {
    const ds = await loadDataset(await shapesDataset({ count: 24 }));
    const opts = { batchSize: 4, imageSize: 64 as const, seed: 3, zDim: 5, cDim: 2 };
    const a = new Batcher(ds, opts);
    const b = new Batcher(ds, opts);
    a.batch(7);
    expect(a.batch(2)).toEqual(b.batch(2));
    expect(a.batch(2).z).not.toEqual(a.batch(3).z);
  });
});
