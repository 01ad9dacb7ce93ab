import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { convKernelSuite, onBackend, relErr, values } from "./conv-kernel-suite";

convKernelSuite("wasm gradient kernels (native convolutions off)", false);

describe("wasm kernels", () => {
  it("BatchMatMul with transposed operands matches cpu", async () => {
    for (const [ta, tb] of [
      [true, false],
      [false, true],
      [true, true],
    ]) {
      const run = () =>
        tf.tidy(() => {
          const a = tf.tensor2d(values(6 * 5, 4), ta ? [5, 6] : [6, 5]);
          const b = tf.tensor2d(values(5 * 7, 5), tb ? [7, 5] : [5, 7]);
          return tf.matMul(a, b, ta, tb).dataSync() as Float32Array;
        });
      const cpu = await onBackend("cpu", run);
      const wasm = await onBackend("wasm", run);
      expect(relErr(wasm, cpu)).toBeLessThan(1e-5);
    }
  });

  it("conv gradients through tf.grads do not leak tensors on wasm", async () => {
    await tf.setBackend("wasm");
    const x = tf.tensor4d(values(2 * 8 * 8 * 3, 6), [2, 8, 8, 3]);
    const f = tf.variable(tf.tensor4d(values(4 * 4 * 3 * 4, 7), [4, 4, 3, 4]));
    const step = () =>
      tf.tidy(
        () =>
          tf
            .variableGrads(() => tf.conv2d(x, f, 2, "same").square().sum() as tf.Scalar, [f])
            .grads[f.name].sum()
            .dataSync()[0],
      );
    step();
    const before = tf.memory().numTensors;
    const backendBefore = (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
    for (let i = 0; i < 3; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    expect((tf.backend() as unknown as { numDataIds(): number }).numDataIds()).toBe(backendBefore);
    x.dispose();
    f.dispose();
  });
});
