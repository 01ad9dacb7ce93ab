import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend, loadNativeConv, useNativeConv } from "@/lib/tensor";

/** deterministic values in [-1, 1) */
export function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

export function relErr(a: Float32Array | number[], b: Float32Array | number[]): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / Math.max(den, 1e-30));
}

export async function onBackend<T>(name: string, fn: () => T): Promise<T> {
  await tf.setBackend(name);
  return fn();
}

type Pad = "same" | "valid" | number;
const cases: { x: [number, number, number, number]; k: number; co: number; s: number; pad: Pad }[] = [
  { x: [2, 8, 8, 3], k: 3, co: 4, s: 1, pad: "same" },
  { x: [3, 16, 16, 5], k: 4, co: 6, s: 2, pad: "same" },
  { x: [2, 9, 7, 4], k: 3, co: 2, s: 2, pad: "valid" },
  { x: [4, 4, 4, 8], k: 4, co: 1, s: 1, pad: "valid" },
  { x: [2, 6, 6, 3], k: 1, co: 5, s: 1, pad: "same" },
  { x: [1, 10, 10, 2], k: 4, co: 3, s: 2, pad: 1 },
  { x: [2, 11, 11, 3], k: 3, co: 4, s: 3, pad: "same" },
  // per-phase dx with a different number of taps per phase (5 = 3 + 2 at stride 2), and stride 3 exact
  { x: [2, 12, 12, 3], k: 5, co: 4, s: 2, pad: "same" },
  { x: [2, 12, 9, 3], k: 3, co: 2, s: 3, pad: "valid" },
  { x: [3, 8, 8, 16], k: 4, co: 32, s: 2, pad: "same" },
];

/** float64 reference of dW for NHWC conv with explicit top/left padding */
function refFilterGrad(
  x: Float32Array,
  xs: number[],
  dy: Float32Array,
  ys: number[],
  k: number,
  co: number,
  s: number,
  top: number,
  left: number,
) {
  const [b, h, w, ci] = xs;
  const [, oh, ow] = ys;
  const out = new Float64Array(k * k * ci * co);
  for (let n = 0; n < b; n++)
    for (let p = 0; p < oh; p++)
      for (let q = 0; q < ow; q++)
        for (let i = 0; i < k; i++)
          for (let j = 0; j < k; j++) {
            const hh = p * s + i - top;
            const ww = q * s + j - left;
            if (hh < 0 || hh >= h || ww < 0 || ww >= w) continue;
            for (let c = 0; c < ci; c++) {
              const xv = x[((n * h + hh) * w + ww) * ci + c];
              for (let o = 0; o < co; o++)
                out[((i * k + j) * ci + c) * co + o] += xv * dy[((n * oh + p) * ow + q) * co + o];
            }
          }
  return Array.from(out);
}

/**
 * Conv2D, Conv2DBackpropInput and Conv2DBackpropFilter on the wasm backend against the cpu backend and a
 * float64 reference, with the native oneDNN kernels on or off.
 */
export function convKernelSuite(title: string, native: boolean): void {
  describe(title, () => {
    beforeAll(async () => {
      await initBackend({ force: "wasm", log: () => {} });
      if (native && !loadNativeConv())
        throw new Error(
          "the native oneDNN addon is not built: run npm run native:build (needs g++ and libdnnl-dev)",
        );
      useNativeConv(native);
    });

    for (const c of cases) {
      const label = `x ${c.x.join("x")}, k ${c.k}, stride ${c.s}, pad ${c.pad}`;
      it(`Conv2D, Conv2DBackpropFilter and Conv2DBackpropInput match cpu: ${label}`, async () => {
        const filterShape: [number, number, number, number] = [c.k, c.k, c.x[3], c.co];
        const xv = values(
          c.x.reduce((a, b) => a * b),
          1,
        );
        const fv = values(
          filterShape.reduce((a, b) => a * b),
          2,
        );
        const run = () =>
          tf.tidy(() => {
            const x = tf.tensor4d(xv, c.x);
            const f = tf.tensor4d(fv, filterShape);
            const y = tf.conv2d(x, f, c.s, c.pad);
            const dy = tf.tensor(values(y.size, 3), y.shape) as tf.Tensor4D;
            // the training path: gradients of Σ conv(x, f)·dy are dX = Conv2DBackpropInput, dW = ...Filter
            const [dX, dW] = tf.grads((xx: tf.Tensor, ff: tf.Tensor) =>
              tf
                .conv2d(xx as tf.Tensor4D, ff as tf.Tensor4D, c.s, c.pad)
                .mul(dy)
                .sum(),
            )([x, f]);
            return {
              y: y.dataSync() as Float32Array,
              dW: dW.dataSync() as Float32Array,
              dX: dX.dataSync() as Float32Array,
              dy: dy.dataSync() as Float32Array,
              dyShape: dy.shape,
            };
          });
        const cpu = await onBackend("cpu", run);
        const wasm = await onBackend("wasm", run);
        expect(relErr(wasm.y, cpu.y)).toBeLessThan(1e-5);
        expect(relErr(wasm.dW, cpu.dW)).toBeLessThan(1e-4);
        expect(relErr(wasm.dX, cpu.dX)).toBeLessThan(1e-4);
        // independent float64 reference, so a shared bug in both backends would show
        const info = tf.backend_util.computeConv2DInfo(c.x, filterShape, c.s, 1, c.pad as "same");
        const ref = refFilterGrad(
          xv,
          c.x,
          cpu.dy,
          cpu.dyShape,
          c.k,
          c.co,
          c.s,
          info.padInfo.top,
          info.padInfo.left,
        );
        expect(relErr(wasm.dW, ref)).toBeLessThan(1e-4);
      });
    }
  });
}
