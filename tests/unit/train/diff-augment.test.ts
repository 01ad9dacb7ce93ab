import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { loadDataset } from "@/lib/data";
import { initBackend } from "@/lib/tensor";
import { AUG_PER_IMAGE, Batcher, diffAugment } from "@/lib/train";
import { shapesDataset } from "./helpers";

/** uniforms for `b` images: every value `fill`, with `set` overriding (image, index within the row) */
function uniforms(b: number, fill: number, set: [number, number, number][] = []): Float32Array {
  const u = new Float32Array(b * AUG_PER_IMAGE).fill(fill);
  for (const [i, k, v] of set) u[i * AUG_PER_IMAGE + k] = v;
  return u;
}

/** a [1,8,8,3] image whose pixel (y, x) holds (y·8 + x + 1)/100 in every channel */
const ramp = () =>
  tf.tensor4d(
    Float32Array.from({ length: 8 * 8 * 3 }, (_, i) => (Math.floor(i / 3) + 1) / 100),
    [1, 8, 8, 3],
  );

describe("differentiable augmentation", () => {
  beforeAll(async () => {
    await initBackend({ force: "wasm", log: () => {} });
  });

  it("no policy returns the images untouched; neutral colour draws leave them as they are", () => {
    const x = ramp();
    expect(diffAugment(x, uniforms(1, 0.5), "real", [])).toBe(x);
    // brightness +0, saturation ×1, contrast ×1
    const y = diffAugment(x, uniforms(1, 0.5), "real", ["color"]);
    const a = x.dataSync();
    const b = y.dataSync();
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i], 5);
    tf.dispose([x, y]);
  });

  it("translation shifts by whole pixels and fills with zeros; the fake half of a row drives the fakes", () => {
    const x = ramp();
    // 8 px: r = 1; draw 0 → window at 0 → the image moves one pixel down and right
    const y = diffAugment(
      x,
      uniforms(1, 0.99, [
        [0, 3, 0],
        [0, 4, 0],
      ]),
      "real",
      ["translation"],
    );
    const v = y.dataSync();
    const px = (yy: number, xx: number) => v[(yy * 8 + xx) * 3];
    expect(px(0, 0)).toBe(0);
    expect(px(0, 5)).toBe(0);
    expect(px(3, 0)).toBe(0);
    expect(px(1, 1)).toBeCloseTo(0.01, 6); // was (0, 0)
    expect(px(4, 6)).toBeCloseTo((3 * 8 + 5 + 1) / 100, 6); // was (3, 5)
    // the same row read as "fake" uses its second half (all 0.99: a shift the other way)
    const f = diffAugment(
      x,
      uniforms(1, 0.99, [
        [0, 3, 0],
        [0, 4, 0],
      ]),
      "fake",
      ["translation"],
    ).dataSync();
    expect(f[0]).toBeCloseTo((1 * 8 + 1 + 1) / 100, 6); // (0, 0) now holds what was at (1, 1)
    tf.dispose([x, y]);
  });

  it("translation's gradient is the reverse shift of the incoming gradient", () => {
    const x = tf.zeros([2, 8, 8, 3]) as tf.Tensor4D;
    const w = tf.randomUniform([2, 8, 8, 3], -1, 1, "float32", 7);
    // draw 0 for both images: shifted one pixel down and right, so x[i, j] reaches out[i + 1, j + 1]
    const u = uniforms(2, 0.5, [
      [0, 3, 0],
      [0, 4, 0],
      [1, 3, 0],
      [1, 4, 0],
    ]);
    const g = tf.grad((t: tf.Tensor) =>
      diffAugment(t as tf.Tensor4D, u, "real", ["translation"])
        .mul(w)
        .sum(),
    )(x);
    const gv = g.dataSync();
    const wv = w.dataSync();
    for (let n = 0; n < 2; n++)
      for (let i = 0; i < 8; i++)
        for (let j = 0; j < 8; j++)
          for (let c = 0; c < 3; c++) {
            const want = i < 7 && j < 7 ? wv[((n * 8 + i + 1) * 8 + j + 1) * 3 + c] : 0;
            expect(gv[((n * 8 + i) * 8 + j) * 3 + c]).toBeCloseTo(want, 6);
          }
    tf.dispose([x, w, g]);
  });

  it("cutout zeroes one square of half the side, and no gradient flows through it", () => {
    const x = tf.ones([2, 8, 8, 3]) as tf.Tensor4D;
    const u = uniforms(2, 0.5);
    const y = diffAugment(x, u, "real", ["cutout"]);
    const v = y.dataSync();
    for (let i = 0; i < 2; i++) {
      const zeros = Array.from(v.subarray(i * 192, (i + 1) * 192)).filter((t) => t === 0).length;
      expect(zeros).toBe(4 * 4 * 3);
    }
    const g = tf.grad((t: tf.Tensor) => diffAugment(t as tf.Tensor4D, u, "real", ["cutout"]).sum())(x);
    expect(g.sum().dataSync()[0]).toBe(2 * (64 - 16) * 3);
    tf.dispose([x, y, g]);
  });

  it("colour, translation and cutout together are differentiable, and each image gets its own draw", () => {
    const x = tf.randomUniform([3, 16, 16, 3], -1, 1, "float32", 1) as tf.Tensor4D;
    const u = Float32Array.from({ length: 3 * AUG_PER_IMAGE }, (_, i) => (i * 0.618) % 1);
    const all = ["color", "translation", "cutout"] as const;
    const g = tf.grad((t: tf.Tensor) =>
      diffAugment(t as tf.Tensor4D, u, "fake", all)
        .square()
        .sum(),
    )(x);
    expect(Number.isFinite(g.abs().sum().dataSync()[0])).toBe(true);
    expect(g.abs().sum().dataSync()[0]).toBeGreaterThan(0);
    const y = diffAugment(x, u, "fake", all);
    const same = tf.tensor4d(
      Array.from({ length: 3 }, () => Array.from(x.slice([0], [1]).dataSync())).flat(),
      [3, 16, 16, 3],
    );
    // three copies of one image come out different: the draws are per image
    const z = diffAugment(same, u, "fake", all).dataSync();
    expect(z.subarray(0, 768).some((t, i) => t !== z[768 + i])).toBe(true);
    tf.dispose([x, g, y, same]);
    expect(() => diffAugment(tf.zeros([2, 8, 8, 3]), new Float32Array(3), "real", ["color"])).toThrow(
      /3 uniforms for 2 images/,
    );
  });

  it("batches carry their augmentation draws: uniforms in [0, 1), a pure function of (seed, step)", async () => {
    const ds = await loadDataset(await shapesDataset({ count: 12 }));
    const opts = { batchSize: 4, imageSize: 64 as const, seed: 3, zDim: 5, cDim: 2 };
    const a = new Batcher(ds, opts).batch(5);
    expect(a.aug.length).toBe(4 * AUG_PER_IMAGE);
    expect(a.aug.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(new Batcher(ds, opts).batch(5).aug).toEqual(a.aug);
    expect(new Batcher(ds, opts).batch(6).aug).not.toEqual(a.aug);
  });
});
