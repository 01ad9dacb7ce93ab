import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { initBackend, loadNativeConv, useNativeConv } from "@/lib/tensor";
import { convKernelSuite, relErr, values } from "./conv-kernel-suite";

convKernelSuite("native oneDNN convolutions", true);

describe("native oneDNN convolutions in a training step", () => {
  it("the addon reports its library and leaves no tensors behind; switching it off restores the wasm kernels", async () => {
    const info = await initBackend({ force: "wasm", log: () => {} });
    const native = loadNativeConv();
    expect(native?.version()).toMatch(/^oneDNN \d+\.\d+/);
    expect(info.nativeConv).toBe(native?.version());
    const x = tf.tensor4d(values(4 * 16 * 16 * 8, 6), [4, 16, 16, 8]);
    const f = tf.variable(tf.tensor4d(values(4 * 4 * 8 * 16, 7), [4, 4, 8, 16]));
    const step = () =>
      tf.tidy(
        () =>
          tf
            .variableGrads(() => tf.conv2d(x, f, 2, "same").square().sum() as tf.Scalar, [f])
            .grads[f.name].dataSync()
            .slice() as Float32Array,
      );
    useNativeConv(true);
    const fast = step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    useNativeConv(false);
    const slow = step();
    useNativeConv(true);
    expect(relErr(fast, slow)).toBeLessThan(1e-5);
    // the two paths are different code: bit-identical results would mean the switch did nothing
    expect(fast.some((v, i) => v !== slow[i])).toBe(true);
    x.dispose();
    f.dispose();
  });

  it("a mismatched buffer is refused with a clear error instead of reading out of bounds", async () => {
    const native = loadNativeConv();
    if (!native) throw new Error("the native oneDNN addon is not built: run npm run native:build");
    const geometry = [1, 4, 4, 2, 3, 3, 2, 4, 4, 1, 1, 1, 1, 1, 1, 1, 1];
    expect(() =>
      native.conv(0, geometry, new Float32Array(31), new Float32Array(36), new Float32Array(32)),
    ).toThrow(/buffer sizes do not match/);
  });
});
