import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { loadDataset } from "@/lib/data";
import { GanModel, presetConfig } from "@/lib/gan";
import { initBackend } from "@/lib/tensor";
import {
  Adam,
  anchorLoss,
  Batcher,
  batcherFor,
  DataParallel,
  dgStep,
  disposeInputs,
  edgeLoss,
  gGrads,
  stepInputs,
} from "@/lib/train";
import { shapesDataset } from "./helpers";

const value = (t: tf.Scalar) => {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
};

describe("reconstruction anchor (train.anchorEvery / anchorWeight)", () => {
  beforeAll(async () => {
    await initBackend({ force: "wasm", log: () => {} });
  });

  it("every n-th row has zero z and ε; the other rows, images and captions are as without anchors", async () => {
    const ds = await loadDataset(await shapesDataset({ count: 24 }));
    const opts = { batchSize: 8, imageSize: 64 as const, seed: 4, zDim: 16, cDim: 8 };
    const plain = new Batcher(ds, opts).batch(3);
    const anchored = new Batcher(ds, { ...opts, anchorEvery: 3 }).batch(3);
    for (let i = 0; i < 8; i++) {
      const z = anchored.z.subarray(i * 16, (i + 1) * 16);
      const eps = anchored.eps.subarray(i * 8, (i + 1) * 8);
      if (i % 3 === 0) {
        expect([...z, ...eps].every((v) => v === 0)).toBe(true);
      } else {
        expect(z).toEqual(plain.z.subarray(i * 16, (i + 1) * 16));
        expect(eps).toEqual(plain.eps.subarray(i * 8, (i + 1) * 8));
        expect(eps.some((v) => v !== 0)).toBe(true);
      }
    }
    expect(anchored.images).toEqual(plain.images);
    expect(anchored.right).toEqual(plain.right);
    expect(anchored.wrong).toEqual(plain.wrong);
    // a run's batcher anchors only when the term is on, and only in Stage-I
    const on = presetConfig("tiny", {
      embDim: 32,
      train: { batchSize: 4, anchorEvery: 2, anchorWeight: 10 },
    });
    const off = presetConfig("tiny", { embDim: 32, train: { batchSize: 4, anchorEvery: 2 } });
    expect(batcherFor(ds, on, 64).opts.anchorEvery).toBe(2);
    expect(batcherFor(ds, off, 64).opts.anchorEvery).toBe(0);
  });

  it("the loss is the full-resolution L1 of the zero-noise rows only (known values)", () => {
    const real = tf.randomUniform([4, 4, 4, 3], -1, 1, "float32", 5) as tf.Tensor4D;
    // rows 0 and 2 anchored; their gaps are 0.5 and 0.25, rows 1 and 3 are far off and must not count
    const gap = tf.tensor1d([0.5, 3, 0.25, -2]).reshape([4, 1, 1, 1]);
    const image = real.add(gap) as tf.Tensor4D;
    const eps = tf.tensor2d([0, 0, 1, -1, 0, 0, 0.3, 0], [4, 2]);
    expect(value(anchorLoss(image, real, eps))).toBeCloseTo(0.375, 5);
    expect(value(anchorLoss(real, real, eps))).toBe(0);
    // no anchored rows: nothing to pay
    const noisy = tf.ones([4, 2]) as tf.Tensor2D;
    expect(value(anchorLoss(image, real, noisy))).toBe(0);
    // full resolution: a ±1 checkerboard against 0 costs 1 (a pooled term would see 0)
    const checker = tf.tensor4d(
      Array.from({ length: 4 * 4 * 4 * 3 }, (_, i) => {
        const p = Math.floor(i / 3) % 16;
        return (Math.floor(p / 4) + (p % 4)) % 2 === 0 ? 1 : -1;
      }),
      [4, 4, 4, 3],
    );
    expect(value(anchorLoss(checker, tf.zerosLike(checker), eps))).toBeCloseTo(1, 5);
    tf.dispose([real, gap, image, eps, noisy, checker]);
  });

  it("the edge term is the L1 of neighbouring-pixel differences on the zero-noise rows only (known values)", () => {
    // a flat image against a flat real of another colour: every difference is 0 on both sides
    const flat = tf.fill([2, 4, 4, 3], 0.5) as tf.Tensor4D;
    const eps = tf.zeros([2, 2]) as tf.Tensor2D;
    expect(value(edgeLoss(flat, tf.fill([2, 4, 4, 3], -0.25) as tf.Tensor4D, eps))).toBe(0);
    expect(value(anchorLoss(flat, tf.fill([2, 4, 4, 3], -0.25) as tf.Tensor4D, eps))).toBeCloseTo(0.75, 5);
    // a one-pixel dot of height 1 in one channel of a 4×4×3 real, drawn flat: across, 2 of the 4·3·3 differences
    // are ±1 (mean 2/36); down, the same; averaged: 1/18
    const dot = tf.buffer([2, 4, 4, 3], "float32");
    dot.set(1, 0, 1, 1, 0);
    dot.set(1, 1, 2, 2, 2);
    const real = dot.toTensor() as tf.Tensor4D;
    const blank = tf.zeros([2, 4, 4, 3]) as tf.Tensor4D;
    expect(value(edgeLoss(blank, real, eps))).toBeCloseTo(1 / 18, 5);
    expect(value(edgeLoss(real, real, eps))).toBe(0);
    // the same dot one pixel off costs twice as much as no dot (both dots' edges are wrong): 1/9
    const moved = tf.buffer([2, 4, 4, 3], "float32");
    moved.set(1, 0, 1, 2, 0);
    moved.set(1, 1, 2, 1, 2);
    expect(value(edgeLoss(moved.toTensor() as tf.Tensor4D, real, eps))).toBeCloseTo(1 / 9, 5);
    // only the anchored rows count: row 1 noisy, so only row 0's dot is paid for, over one row
    const half = tf.tensor2d([0, 0, 0.5, 0], [2, 2]);
    expect(value(edgeLoss(blank, real, half))).toBeCloseTo(1 / 18, 5);
    expect(value(edgeLoss(blank, real, tf.ones([2, 2]) as tf.Tensor2D))).toBe(0);
    tf.dispose([flat, eps, real, blank, half]);
  });

  it("edgeWeight adds the edge term to the G loss, and G learns the anchor images' edges", async () => {
    const ds = await loadDataset(await shapesDataset({ count: 24 }));
    const c = presetConfig("tiny", {
      embDim: 32,
      train: { batchSize: 4, anchorEvery: 2, anchorWeight: 20, edgeWeight: 40, advWeight: 0, freezeD: true },
    });
    const m = new GanModel(c, { seed: 3, withDiscriminator: true });
    const optG = new Adam(m.trainedG.trainable, 2e-3);
    const optD = new Adam(m.stores.d?.trainable ?? new Map(), 2e-3);
    const x = stepInputs(batcherFor(ds, c, 64).batch(0), 32, c.zDim, c.cDim);
    const first = dgStep(m, optD, optG, x);
    expect(Object.keys(first).sort()).toEqual(["anchor", "edge", "g", "kl"]);
    const edge = first.edge as number;
    expect(edge).toBeGreaterThan(0);
    expect(first.g).toBeCloseTo(c.train.klWeight * first.kl + 20 * (first.anchor as number) + 40 * edge, 4);
    let last = edge;
    for (let s = 0; s < 19; s++) last = dgStep(m, optD, optG, x).edge as number;
    expect(last).toBeLessThan(0.8 * edge);
    // off by default: a run without it reports no edge term
    const plain = new GanModel(
      presetConfig("tiny", { embDim: 32, train: { batchSize: 4, anchorEvery: 2, anchorWeight: 20 } }),
      { seed: 3, withDiscriminator: true },
    );
    const r = gGrads(plain, x);
    tf.dispose([...r.grads.values()]);
    expect("edge" in r.losses).toBe(false);
    disposeInputs(x);
    for (const t of [m, plain]) t.dispose();
    optG.dispose();
    optD.dispose();
  });

  it("is part of the Stage-I G loss (advWeight scales the adversarial part), and G learns to draw the anchor rows' own images", async () => {
    const ds = await loadDataset(await shapesDataset({ count: 24 }));
    const make = (anchorWeight: number, advWeight = 1) => {
      const c = presetConfig("tiny", {
        embDim: 32,
        train: { batchSize: 4, anchorEvery: 2, anchorWeight, advWeight },
      });
      const m = new GanModel(c, { seed: 3, withDiscriminator: true });
      return {
        c,
        m,
        g: new Adam(m.trainedG.trainable, 2e-3),
        d: new Adam(m.stores.d?.trainable ?? new Map(), 2e-3),
      };
    };
    const off = make(0);
    const on = make(20);
    const x = stepInputs(batcherFor(ds, on.c, 64).batch(0), 32, on.c.zDim, on.c.cDim);
    const plain = gGrads(off.m, x);
    tf.dispose([...plain.grads.values()]);
    expect("anchor" in plain.losses).toBe(false);
    const first = gGrads(on.m, x);
    tf.dispose([...first.grads.values()]);
    const { g, gAdv, kl, anchor } = first.losses;
    expect(anchor).toBeGreaterThan(0.05);
    expect(g).toBeCloseTo((gAdv as number) + on.c.train.klWeight * kl + 20 * (anchor as number), 3);
    // advWeight 0: the same G loss without its adversarial part (a regression warm start)
    const reg = make(20, 0);
    const warm = gGrads(reg.m, x);
    tf.dispose([...warm.grads.values()]);
    expect(warm.losses.anchor).toBeCloseTo(anchor as number, 5);
    expect(warm.losses.gAdv).toBeCloseTo(gAdv as number, 5);
    expect(warm.losses.g).toBeCloseTo(on.c.train.klWeight * kl + 20 * (anchor as number), 3);
    let last = anchor as number;
    for (let s = 0; s < 20; s++) last = dgStep(on.m, on.d, on.g, x).anchor as number;
    expect(last).toBeLessThan(0.7 * (anchor as number));
    disposeInputs(x);
    for (const t of [off, on, reg]) {
      t.m.dispose();
      t.g.dispose();
      t.d.dispose();
    }
  });

  it("freezeD with advWeight 0 is plain regression: D neither moves nor reports losses, in one thread and over 2 shards", {
    timeout: 120_000,
  }, async () => {
    const ds = await loadDataset(await shapesDataset({ count: 24 }));
    const c = presetConfig("tiny", {
      embDim: 32,
      train: { batchSize: 4, anchorEvery: 2, anchorWeight: 20, advWeight: 0, freezeD: true },
    });
    const m = new GanModel(c, { seed: 3, withDiscriminator: true });
    const optG = new Adam(m.trainedG.trainable, 2e-3);
    const optD = new Adam(m.stores.d?.trainable ?? new Map(), 2e-3);
    const snapshot = () =>
      new Map([...(m.stores.d?.trainable ?? [])].map(([n, v]) => [n, v.dataSync().slice()]));
    const before = snapshot();
    const batch = batcherFor(ds, c, 64).batch(0);
    const x = stepInputs(batch, 32, c.zDim, c.cDim);
    const first = dgStep(m, optD, optG, x);
    expect(Object.keys(first).sort()).toEqual(["anchor", "g", "kl"]);
    expect(first.g).toBeCloseTo(c.train.klWeight * first.kl + 20 * (first.anchor as number), 4);
    let last = first.anchor as number;
    for (let s = 0; s < 19; s++) last = dgStep(m, optD, optG, x).anchor as number;
    expect(last).toBeLessThan(0.7 * (first.anchor as number));
    disposeInputs(x);
    const dp = await DataParallel.start(m, 2, "wasm");
    try {
      for (let s = 0; s < 3; s++) {
        const r = dp.dgStep(m, optD, optG, batch);
        expect("d" in r || "gAdv" in r).toBe(false);
        expect(r.anchor).toBeGreaterThan(0);
      }
    } finally {
      await dp.close();
    }
    for (const [n, v] of snapshot()) expect(v, n).toEqual(before.get(n));
    // the same run with D unfrozen moves D
    const thawed = new GanModel(
      { ...c, train: { ...c.train, freezeD: false } },
      { seed: 3, withDiscriminator: true },
    );
    const optD2 = new Adam(thawed.stores.d?.trainable ?? new Map(), 2e-3);
    const optG2 = new Adam(thawed.trainedG.trainable, 2e-3);
    const x2 = stepInputs(batch, 32, c.zDim, c.cDim);
    const r2 = dgStep(thawed, optD2, optG2, x2);
    expect(r2).toHaveProperty("d");
    disposeInputs(x2);
    const w = [...(thawed.stores.d?.trainable ?? [])][0];
    expect(w[1].dataSync()).not.toEqual(before.get(w[0]));
    for (const t of [m, thawed]) t.dispose();
    for (const o of [optG, optD, optD2, optG2]) o.dispose();
  });
});
