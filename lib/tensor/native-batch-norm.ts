/**
 * Training-mode batch normalisation fused with its activation, as one tfjs kernel on the wasm backend that runs
 * in the native addon (native/batch-norm.cc) on every core: two passes over the activations forward and two
 * backward, where the composed ops (moments, normalise, scale, activation and autodiff through all of them)
 * take about a dozen single-threaded wasm passes. Used by lib/gan's BatchNorm when training; elsewhere (cpu
 * backend, addon not built, GANVAS_NATIVE_CONV=off, inference) the composed ops run.
 *
 * Kernel GanvasBatchNormAct: x [..., C], gamma [C], beta [C] → y (x's shape), mean [C], variance [C] (biased).
 * Its gradient reaches x, gamma and beta through y only: the mean and variance outputs are for the running
 * statistics and must not be differentiated (their gradient is taken as zero).
 */
import * as tf from "@tensorflow/tfjs";
import type { NativeConv } from "./native-conv-kernels";

type Info = tf.TensorInfo;
// biome-ignore lint/suspicious/noExplicitAny: the wasm backend class is not exported with types we can import
type WasmBackend = any;

export type BatchNormActivation = "none" | "relu" | "leaky";

export const BATCH_NORM_ACT = "GanvasBatchNormAct";
const BATCH_NORM_ACT_GRAD = "GanvasBatchNormActGrad";
const BACKEND = "wasm";
const ACT_CODE: Record<BatchNormActivation, number> = { none: 0, relu: 1, leaky: 2 };

interface Attrs {
  act: BatchNormActivation;
  slope: number;
  eps: number;
}

let enabled = true;

/** Switch the fused kernel off (the composed ops run) or back on. For tests and benchmarks. */
export function useNativeBatchNorm(on: boolean): void {
  enabled = on;
}

/** True when `batchNormAct` will run the fused kernel on the current backend. */
export function nativeBatchNormReady(): boolean {
  return enabled && tf.getBackend() === BACKEND && tf.getKernel(BATCH_NORM_ACT, BACKEND) !== undefined;
}

/**
 * Registers a wasm kernel whose three outputs are [x's shape, [C], [C]] (C: x's last axis), filled by `fill`
 * with (rows, C, act code, slope, eps, …inputs in `inputNames` order, …outputs) as Float32Array views.
 */
function registerTriple(
  name: string,
  inputNames: string[],
  fill: (rows: number, c: number, act: number, slope: number, eps: number, ...views: Float32Array[]) => void,
): void {
  const kernelFunc = (args: { inputs: Record<string, Info>; backend: WasmBackend; attrs: Attrs }) => {
    const { inputs, backend, attrs } = args;
    const { x } = inputs;
    const c = x.shape[x.shape.length - 1];
    const rows = tf.util.sizeFromShape(x.shape) / c;
    const outs: Info[] = [
      backend.makeOutput(x.shape, "float32"),
      backend.makeOutput([c], "float32"),
      backend.makeOutput([c], "float32"),
    ];
    // views are taken after every allocation: growing wasm memory replaces its ArrayBuffer
    const views = [...inputNames.map((n) => inputs[n]), ...outs].map((t) => backend.typedArrayFromHeap(t));
    fill(rows, c, ACT_CODE[attrs.act], attrs.slope, attrs.eps, ...views);
    return outs;
  };
  tf.registerKernel({ kernelName: name, backendName: BACKEND, kernelFunc: kernelFunc as never });
}

/** Registers the fused kernel, its gradient kernel and the gradient; safe to call more than once. */
export function registerNativeBatchNorm(native: NativeConv): void {
  if (tf.getKernel(BATCH_NORM_ACT, BACKEND)) return;
  // → y, mean, variance
  registerTriple(BATCH_NORM_ACT, ["x", "gamma", "beta"], native.bnForward);
  // → dx, dgamma, dbeta
  registerTriple(BATCH_NORM_ACT_GRAD, ["x", "y", "dy", "gamma", "mean", "variance"], native.bnBackward);
  tf.registerGradient({
    kernelName: BATCH_NORM_ACT,
    inputsToSave: ["x", "gamma"],
    outputsToSave: [true, true, true],
    gradFunc: (dys, saved, attrs) => {
      const [x, gamma, y, mean, variance] = saved;
      const dy = (dys as tf.Tensor[])[0];
      // one kernel computes all three; each closure hands out its share
      const [dx, dgamma, dbeta] = tf
        .engine()
        .runKernel(BATCH_NORM_ACT_GRAD, { x, y, dy, gamma, mean, variance }, attrs as never) as tf.Tensor[];
      return { x: () => dx, gamma: () => dgamma, beta: () => dbeta };
    },
  });
}

/**
 * Training-mode batch norm + activation on x [..., C] with the batch's statistics over every axis but the last:
 * y = act((x − mean) / sqrt(var + eps) · gamma + beta), and the (biased) mean and variance used. Needs
 * `nativeBatchNormReady()`.
 */
export function batchNormAct<T extends tf.Tensor>(
  x: T,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  act: BatchNormActivation,
  opts: { slope?: number; eps: number },
): { y: T; mean: tf.Tensor1D; variance: tf.Tensor1D } {
  const attrs: Attrs = { act, slope: opts.slope ?? 0, eps: opts.eps };
  if (act === "leaky" && !(attrs.slope > 0)) throw new Error("batchNormAct: leaky needs a slope > 0");
  const [y, mean, variance] = tf.engine().runKernel(BATCH_NORM_ACT, { x, gamma, beta }, attrs as never) as [
    T,
    tf.Tensor1D,
    tf.Tensor1D,
  ];
  return { y, mean, variance };
}
