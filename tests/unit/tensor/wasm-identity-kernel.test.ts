import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "@/lib/tensor";

const dataIds = () => (tf.backend() as unknown as { numDataIds(): number }).numDataIds();

describe("wasm Identity shares the buffer", () => {
  beforeAll(async () => {
    await initBackend({ force: "wasm", log: () => {} });
    await tf.setBackend("wasm");
  });

  it("a clone outlives its source, needs no buffer of its own, and frees it with the last reference", () => {
    const before = { bytes: tf.memory().numBytes, ids: dataIds() };
    const a = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const b = a.clone();
    expect(dataIds()).toBe(before.ids + 1);
    a.dispose();
    expect(Array.from(b.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(b.shape).toEqual([2, 3]);
    b.dispose();
    expect(tf.memory().numBytes).toBe(before.bytes);
    expect(dataIds()).toBe(before.ids);
  });

  it("a variable assigned from a clone keeps its value when the clone's source changes hands", () => {
    const v = tf.variable(tf.zeros([3]));
    const src = tf.tensor1d([7, 8, 9]);
    const c = src.clone();
    v.assign(c);
    tf.dispose([src, c]);
    expect(Array.from(v.dataSync())).toEqual([7, 8, 9]);
    v.assign(tf.tidy(() => v.add(1)));
    expect(Array.from(v.dataSync())).toEqual([8, 9, 10]);
    v.dispose();
  });

  it("gradients that save cloned inputs stay correct", () => {
    const x = tf.tensor1d([1, 2, 3]);
    const g = tf.grad((t: tf.Tensor) => t.square().mul(t).sum())(x);
    expect(Array.from(g.dataSync())).toEqual([3, 12, 27]);
    tf.dispose([x, g]);
  });
});
