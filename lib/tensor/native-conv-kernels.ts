/**
 * Native convolutions for the wasm backend: Conv2D, Conv2DBackpropInput and Conv2DBackpropFilter run in the
 * oneDNN addon (native/ganvas-dnnl.cc, built by `npm run native:build` from Debian's g++ and libdnnl-dev) on
 * every core with AVX2/AVX-512 FMA, reading and writing the tensors in place in wasm memory. One wasm SIMD128
 * thread tops out near 25 GFLOP/s (4-wide, no FMA); these kernels are where a training step spends ~80%.
 * When the addon is not built, or GANVAS_NATIVE_CONV=off, the wasm kernels (wasm-grad-kernels.ts) stay.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";

type Info = tf.TensorInfo;
type Attrs = Record<string, unknown>;
// biome-ignore lint/suspicious/noExplicitAny: the wasm backend class is not exported with types we can import
type WasmBackend = any;

const BACKEND = "wasm";
const FORWARD = 0;
const BACKWARD_DATA = 1;
const BACKWARD_WEIGHTS = 2;

/** (rows, C, act code, slope, eps, …input and output buffers) */
type BatchNormCall = (
  rows: number,
  c: number,
  act: number,
  slope: number,
  eps: number,
  ...buffers: Float32Array[]
) => void;

export interface NativeConv {
  conv(kind: number, geometry: number[], a: Float32Array, b: Float32Array, out: Float32Array): void;
  /** the oneDNN implementation chosen for a geometry, e.g. "jit:avx2" */
  implementation(kind: number, geometry: number[]): string;
  version(): string;
  /** the most threads one native kernel started from the calling thread may use (default: every core) */
  setThreads(n: number): void;
  /** fused training batch norm + activation (native/batch-norm.cc); see native-batch-norm.ts */
  bnForward: BatchNormCall;
  bnBackward: BatchNormCall;
}

/** where `npm run native:build` puts the addon */
export const NATIVE_CONV_FILE = path.join("build", "native", "ganvas-dnnl.node");

let loaded: NativeConv | null | undefined;
let enabled = true;

/** Switch the registered native kernels on or off (off: the wasm kernels they replaced run). For tests. */
export function useNativeConv(on: boolean): void {
  enabled = on;
}

/** The addon, or null when it is not built or cannot load (the reason goes to `log`). */
export function loadNativeConv(log: (line: string) => void = () => {}): NativeConv | null {
  if (loaded !== undefined) return loaded;
  const file = path.resolve(NATIVE_CONV_FILE);
  loaded = null;
  if (!existsSync(file)) {
    log(
      `[ganvas] native convolutions not built (${NATIVE_CONV_FILE}); run npm run native:build for faster training`,
    );
    return null;
  }
  try {
    const m = { exports: {} as NativeConv };
    // dlopen, not require: bundlers leave it alone and it loads from the checkout, not from node_modules
    process.dlopen(m, file);
    loaded = m.exports;
  } catch (err) {
    log(
      `[ganvas] native convolutions did not load (${err instanceof Error ? err.message : err}); using wasm kernels`,
    );
  }
  return loaded;
}

/** n,h,w,c, kh,kw,o, oh,ow, strides, pads (top, bottom, left, right), dilations: the addon's geometry */
function geometryOf(info: tf.backend_util.Conv2DInfo): number[] {
  const p = info.padInfo;
  return [
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.filterHeight,
    info.filterWidth,
    info.outChannels,
    info.outHeight,
    info.outWidth,
    info.strideHeight,
    info.strideWidth,
    p.top,
    p.bottom,
    p.left,
    p.right,
    info.dilationHeight,
    info.dilationWidth,
  ];
}

function convInfo(xShape: number[], filterShape: number[], attrs: Attrs): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides as [number, number],
    (attrs.dilations as [number, number] | number | undefined) ?? 1,
    attrs.pad as "same",
    attrs.dimRoundingMode as "round" | undefined,
  );
}

/** Allocate the output in wasm memory, then run the addon on views of its inputs and the output. */
function runNative(
  native: NativeConv,
  backend: WasmBackend,
  kind: number,
  info: tf.backend_util.Conv2DInfo,
  a: Info,
  b: Info,
  outShape: number[],
): Info {
  const out = backend.makeOutput(outShape, "float32");
  // views are taken after the allocation: growing wasm memory replaces its ArrayBuffer
  native.conv(
    kind,
    geometryOf(info),
    backend.typedArrayFromHeap(a),
    backend.typedArrayFromHeap(b),
    backend.typedArrayFromHeap(out),
  );
  return out;
}

type KernelArgs = { inputs: Record<string, Info>; backend: WasmBackend; attrs: Attrs };

/** Native kernels handle NHWC float32; anything else goes to the kernel they replaced. */
function supported(attrs: Attrs, ...ts: Info[]): boolean {
  return (
    (attrs.dataFormat ?? "NHWC") === "NHWC" && ts.every((t) => t.dtype === "float32" && t.shape.length === 4)
  );
}

/** Registers the native kernels over the wasm ones; safe to call more than once. */
export function registerNativeConvKernels(native: NativeConv): void {
  const make = (name: string, body: (args: KernelArgs) => Info, ...inputNames: string[]) => {
    const current = tf.getKernel(name, BACKEND);
    if (!current) throw new Error("wasm backend is not loaded: import @tensorflow/tfjs-backend-wasm first");
    if ((current.kernelFunc as { native?: boolean }).native) return;
    const fallback = current.kernelFunc;
    const kernelFunc = Object.assign(
      (args: KernelArgs): Info =>
        enabled && supported(args.attrs, ...inputNames.map((n) => args.inputs[n]))
          ? body(args)
          : (fallback(args as never) as Info),
      { native: true },
    );
    tf.unregisterKernel(name, BACKEND);
    tf.registerKernel({ kernelName: name, backendName: BACKEND, kernelFunc: kernelFunc as never });
  };
  make(
    "Conv2D",
    ({ inputs: { x, filter }, backend, attrs }) => {
      const info = convInfo(x.shape, filter.shape, attrs);
      return runNative(native, backend, FORWARD, info, x, filter, info.outShape);
    },
    "x",
    "filter",
  );
  make(
    "Conv2DBackpropInput",
    ({ inputs: { dy, filter }, backend, attrs }) => {
      const inputShape = attrs.inputShape as number[];
      const info = convInfo(inputShape, filter.shape, attrs);
      return runNative(native, backend, BACKWARD_DATA, info, dy, filter, inputShape);
    },
    "dy",
    "filter",
  );
  make(
    "Conv2DBackpropFilter",
    ({ inputs: { x, dy }, backend, attrs }) => {
      const filterShape = attrs.filterShape as number[];
      const info = convInfo(x.shape, filterShape, attrs);
      return runNative(native, backend, BACKWARD_WEIGHTS, info, x, dy, filterShape);
    },
    "x",
    "dy",
  );
}
