import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BatchNorm, ParamStore, Rng } from "@/lib/gan";
import {
  type BatchNormActivation,
  initBackend,
  loadNativeConv,
  nativeBatchNormReady,
  useNativeBatchNorm,
} from "@/lib/tensor";
import { relErr, values } from "./conv-kernel-suite";

/** float64 reference: y = act(BN(x)) and the gradients of Σ y·w with respect to x, gamma and beta */
function reference(
  x: Float32Array,
  gamma: Float32Array,
  beta: Float32Array,
  w: Float32Array,
  c: number,
  act: BatchNormActivation,
) {
  const rows = x.length / c;
  const eps = BatchNorm.EPS;
  const mean = new Float64Array(c);
  const variance = new Float64Array(c);
  for (let r = 0; r < rows; r++) for (let j = 0; j < c; j++) mean[j] += x[r * c + j] / rows;
  for (let r = 0; r < rows; r++)
    for (let j = 0; j < c; j++) variance[j] += (x[r * c + j] - mean[j]) ** 2 / rows;
  const invstd = Array.from(variance, (v) => 1 / Math.sqrt(v + eps));
  const y = new Float64Array(x.length);
  const g = new Float64Array(x.length); // dL/d(pre-activation)
  const sumG = new Float64Array(c);
  const sumGxhat = new Float64Array(c);
  for (let r = 0; r < rows; r++)
    for (let j = 0; j < c; j++) {
      const i = r * c + j;
      const pre = (x[i] - mean[j]) * invstd[j] * gamma[j] + beta[j];
      const slope = pre > 0 ? 1 : act === "relu" ? 0 : act === "leaky" ? 0.2 : 1;
      y[i] = pre * slope;
      g[i] = w[i] * slope;
      sumG[j] += g[i];
      sumGxhat[j] += g[i] * (x[i] - mean[j]) * invstd[j];
    }
  const dx = new Float64Array(x.length);
  for (let r = 0; r < rows; r++)
    for (let j = 0; j < c; j++) {
      const i = r * c + j;
      const xhat = (x[i] - mean[j]) * invstd[j];
      dx[i] = ((gamma[j] * invstd[j]) / rows) * (rows * g[i] - sumG[j] - xhat * sumGxhat[j]);
    }
  return { y, mean, variance, dx, dgamma: sumGxhat, dbeta: sumG };
}

/** BatchNorm.apply in training mode and its gradients, through whichever path is switched on */
function run(shape: number[], act: BatchNormActivation, seed: number) {
  const c = shape[shape.length - 1];
  const size = shape.reduce((a, b) => a * b, 1);
  const bn = new BatchNorm(new ParamStore("bn", new Rng(seed)), c);
  const x = tf.tensor(values(size, seed), shape);
  const w = tf.tensor(values(size, seed + 1), shape);
  const { value, grads } = tf.variableGrads(
    () => tf.tidy(() => bn.apply(x, { training: true }, act).mul(w).sum() as tf.Scalar),
    [bn.gamma, bn.beta],
  );
  const dx = tf.grad((t: tf.Tensor) => bn.apply(t, { training: true }, act).mul(w).sum())(x);
  const y = bn.apply(x, { training: true }, act);
  const out = {
    y: y.dataSync().slice() as Float32Array,
    dx: dx.dataSync().slice() as Float32Array,
    dgamma: grads[bn.gamma.name].dataSync().slice() as Float32Array,
    dbeta: grads[bn.beta.name].dataSync().slice() as Float32Array,
    input: {
      x: x.dataSync().slice() as Float32Array,
      w: w.dataSync().slice() as Float32Array,
      gamma: bn.gamma.dataSync().slice() as Float32Array,
      beta: bn.beta.dataSync().slice() as Float32Array,
    },
  };
  tf.dispose([value, dx, y, x, w, ...Object.values(grads)]);
  for (const v of [bn.gamma, bn.beta, bn.mean, bn.variance]) v.dispose();
  return out;
}

describe("fused native batch norm + activation (training)", () => {
  beforeAll(async () => {
    await initBackend({ force: "wasm", log: () => {} });
    if (!loadNativeConv()) throw new Error("the native addon is not built: run npm run native:build");
    useNativeBatchNorm(true);
  });
  afterAll(() => useNativeBatchNorm(true));

  const cases: [number[], BatchNormActivation][] = [
    [[6, 3], "none"],
    [[2, 5, 7, 3], "relu"],
    [[3, 4, 4, 16], "leaky"],
    // big enough for the multi-threaded path (≥ 65,536 elements)
    [[4, 32, 32, 24], "relu"],
    [[2, 64, 64, 9], "leaky"],
  ];
  for (const [shape, act] of cases) {
    it(`${act} on [${shape}]: values and gradients match a float64 reference, and the composed ops`, () => {
      expect(nativeBatchNormReady()).toBe(true);
      const fused = run(shape, act, 3);
      const c = shape[shape.length - 1];
      const ref = reference(fused.input.x, fused.input.gamma, fused.input.beta, fused.input.w, c, act);
      expect(relErr(fused.y, Float32Array.from(ref.y))).toBeLessThan(1e-5);
      expect(relErr(fused.dx, Float32Array.from(ref.dx))).toBeLessThan(1e-4);
      expect(relErr(fused.dgamma, Float32Array.from(ref.dgamma))).toBeLessThan(1e-4);
      expect(relErr(fused.dbeta, Float32Array.from(ref.dbeta))).toBeLessThan(1e-5);
      useNativeBatchNorm(false);
      expect(nativeBatchNormReady()).toBe(false);
      const composed = run(shape, act, 3);
      useNativeBatchNorm(true);
      expect(relErr(fused.y, composed.y)).toBeLessThan(1e-5);
      expect(relErr(fused.dx, composed.dx)).toBeLessThan(1e-4);
      expect(relErr(fused.dgamma, composed.dgamma)).toBeLessThan(1e-4);
    });
  }

  it("moves the running statistics like the composed ops, and leaves no tensors behind", () => {
    const stats = (on: boolean) => {
      useNativeBatchNorm(on);
      const bn = new BatchNorm(new ParamStore("bn", new Rng(1)), 8);
      const x = tf.tensor(values(4 * 6 * 6 * 8, 9), [4, 6, 6, 8]);
      const before = tf.memory().numTensors;
      for (let i = 0; i < 3; i++)
        tf.tidy(() => {
          bn.apply(x, { training: true, updateStats: true, momentum: 0.5 }, "relu");
        });
      expect(tf.memory().numTensors).toBe(before);
      const out = [bn.mean.dataSync().slice(), bn.variance.dataSync().slice()] as Float32Array[];
      for (const v of [bn.gamma, bn.beta, bn.mean, bn.variance, x]) v.dispose();
      return out;
    };
    const [fMean, fVar] = stats(true);
    const [cMean, cVar] = stats(false);
    useNativeBatchNorm(true);
    expect(relErr(fMean, cMean)).toBeLessThan(1e-5);
    expect(relErr(fVar, cVar)).toBeLessThan(1e-5);
    // the statistics really moved away from their start (zeros, ones)
    expect(fMean.some((v) => Math.abs(v) > 1e-3)).toBe(true);
  });

  it("a mismatched buffer or a bad argument is refused with a clear error", () => {
    const native = loadNativeConv();
    if (!native) throw new Error("the native addon is not built");
    const f = (n: number) => new Float32Array(n);
    expect(() => native.bnForward(4, 3, 1, 0, 1e-5, f(12), f(3), f(3), f(11), f(3), f(3))).toThrow(
      /buffer 3 has the wrong length/,
    );
    expect(() => native.bnForward(4, 3, 7, 0, 1e-5, f(12), f(3), f(3), f(12), f(3), f(3))).toThrow(
      /act 0 \(none\), 1 \(relu\) or 2 \(leaky\)/,
    );
    expect(() => native.bnBackward(4, 3, 1, 0, 1e-5, f(12))).toThrow(/wrong number of arguments/);
  });
});
