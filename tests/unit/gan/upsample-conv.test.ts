import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { upsample2x, upsampleConv3x3 } from "@/lib/gan";
import { initBackend } from "@/lib/tensor";
import { relErr, values } from "../tensor/conv-kernel-suite";

/** the fused sub-pixel form must equal conv(upsample2x(x)) in value and in both gradients */
describe("upsampleConv3x3", () => {
  beforeAll(async () => {
    await initBackend({ force: "wasm", log: () => {} });
  });

  for (const backend of ["cpu", "wasm"]) {
    it(`equals conv2d(upsample2x(x), w, "same") with the same gradients on ${backend}`, async () => {
      await tf.setBackend(backend);
      const before = tf.memory().numTensors;
      const [b, h, w, ci, co] = [2, 5, 4, 3, 6];
      const x = tf.tensor4d(values(b * h * w * ci, 1), [b, h, w, ci]);
      const k = tf.tensor4d(values(9 * ci * co, 2), [3, 3, ci, co]);
      const dy = tf.tensor4d(values(b * 4 * h * w * co, 3), [b, 2 * h, 2 * w, co]);
      const ref = (xx: tf.Tensor, kk: tf.Tensor) =>
        tf
          .conv2d(upsample2x(xx as tf.Tensor4D), kk as tf.Tensor4D, 1, "same")
          .mul(dy)
          .sum();
      const fused = (xx: tf.Tensor, kk: tf.Tensor) =>
        upsampleConv3x3(xx as tf.Tensor4D, kk as tf.Tensor4D)
          .mul(dy)
          .sum();
      const y = tf.tidy(() => upsampleConv3x3(x, k));
      const yRef = tf.tidy(() => tf.conv2d(upsample2x(x), k, 1, "same"));
      expect(y.shape).toEqual([b, 2 * h, 2 * w, co]);
      expect(relErr(y.dataSync() as Float32Array, yRef.dataSync() as Float32Array)).toBeLessThan(1e-5);
      const [gx, gk] = tf.grads(fused)([x, k]);
      const [rx, rk] = tf.grads(ref)([x, k]);
      expect(relErr(gx.dataSync() as Float32Array, rx.dataSync() as Float32Array)).toBeLessThan(1e-5);
      expect(relErr(gk.dataSync() as Float32Array, rk.dataSync() as Float32Array)).toBeLessThan(1e-5);
      tf.dispose([x, k, dy, y, yRef, gx, gk, rx, rk]);
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it("refuses a kernel that is not 3×3", () => {
    const x = tf.zeros([1, 2, 2, 1]) as tf.Tensor4D;
    const k = tf.zeros([1, 1, 1, 1]) as tf.Tensor4D;
    expect(() => upsampleConv3x3(x, k)).toThrow(/3×3/);
    tf.dispose([x, k]);
  });
});
