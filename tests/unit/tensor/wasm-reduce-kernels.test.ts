import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "@/lib/tensor";
import { onBackend, values } from "./conv-kernel-suite";

describe("wasm Sum and Mean over leading axes", () => {
  beforeAll(async () => {
    await initBackend({ force: "wasm", log: () => {} });
  });

  const shape = [3, 5, 4, 6];
  const cases: { axis: number | number[]; keepDims: boolean }[] = [
    { axis: [0, 1, 2], keepDims: false }, // batch-norm statistics
    { axis: [0, 1, 2], keepDims: true },
    { axis: [2, 0, 1], keepDims: false }, // order does not matter
    { axis: 0, keepDims: false },
    { axis: [0, 1], keepDims: true },
    { axis: [1, 2], keepDims: false }, // not leading: the original kernel
    { axis: -1, keepDims: false },
    { axis: [0, 1, 2, 3], keepDims: false }, // everything
  ];
  for (const c of cases) {
    it(`match the cpu backend: axis ${JSON.stringify(c.axis)}, keepDims ${c.keepDims}`, async () => {
      const run = () =>
        tf.tidy(() => {
          const x = tf.tensor(values(3 * 5 * 4 * 6, 9), shape);
          const s = tf.sum(x, c.axis, c.keepDims);
          const m = tf.mean(x, c.axis, c.keepDims);
          return { s: s.dataSync(), m: m.dataSync(), shape: s.shape, mShape: m.shape };
        });
      const cpu = await onBackend("cpu", run);
      const wasm = await onBackend("wasm", run);
      expect(wasm.shape).toEqual(cpu.shape);
      expect(wasm.mShape).toEqual(cpu.mShape);
      for (let i = 0; i < cpu.s.length; i++) {
        expect(wasm.s[i]).toBeCloseTo(cpu.s[i], 4);
        expect(wasm.m[i]).toBeCloseTo(cpu.m[i], 5);
      }
    });
  }

  it("batch-norm moments and their gradients match the cpu backend", async () => {
    const run = () =>
      tf.tidy(() => {
        const x = tf.tensor4d(values(4 * 3 * 3 * 5, 10), [4, 3, 3, 5]);
        const f = (t: tf.Tensor) => {
          const { mean, variance } = tf.moments(t, [0, 1, 2]);
          return t
            .sub(mean)
            .mul(tf.rsqrt(variance.add(1e-5)))
            .square()
            .mul(t)
            .sum();
        };
        return tf.grad(f)(x).dataSync();
      });
    const cpu = await onBackend("cpu", run);
    const wasm = await onBackend("wasm", run);
    for (let i = 0; i < cpu.length; i++) expect(wasm[i]).toBeCloseTo(cpu[i], 3);
  });
});
