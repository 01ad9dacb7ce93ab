/**
 * Gradient kernels the tfjs 4.22 wasm backend lacks or runs slowly, rebuilt from its own fast kernels
 * (XNNPACK Conv2D, Transpose, PadV2, Reverse, Slice), so conv training never drops to a scalar loop.
 *
 * - Conv2DBackpropFilter (missing): dW = conv(xᵀ, dyᵀ) with dilation = stride (batch and channel axes swapped).
 * - Conv2DBackpropInput (scalar loop upstream): dx = conv(dilate(dy), rot180(W)ᵀ), stride 1.
 * - BatchMatMul with transposed operands (slow path upstream): transpose explicitly, then the fast path.
 *
 * Kernels call the backend's kernel functions directly (not tf ops), so nothing is recorded on the tape
 * and every intermediate is freed here.
 */
import * as tf from "@tensorflow/tfjs";

type Info = tf.TensorInfo;
type Attrs = Record<string, unknown>;
// biome-ignore lint/suspicious/noExplicitAny: the wasm backend class is not exported with types we can import
type WasmBackend = any;

const BACKEND = "wasm";

/** Runs backend kernels and remembers intermediates so one call frees them all. */
class KernelScope {
  private readonly temps: Info[] = [];
  constructor(
    private readonly backend: WasmBackend,
    private readonly kernels: Map<string, tf.KernelFunc>,
  ) {}

  run(name: string, inputs: Record<string, Info>, attrs: Attrs): Info {
    const fn = this.kernels.get(name) ?? tf.getKernel(name, BACKEND)?.kernelFunc;
    if (!fn) throw new Error(`wasm backend has no ${name} kernel`);
    const out = fn({ inputs, backend: this.backend, attrs } as never) as Info;
    this.temps.push(out);
    return out;
  }

  /** Free every intermediate except `keep`. */
  finish(keep: Info): Info {
    for (const t of this.temps) if (t !== keep) this.backend.disposeData(t.dataId);
    return keep;
  }

  /** Pad (positive) or crop (negative) the spatial axes of an NHWC tensor. */
  padOrCrop(x: Info, top: number, bottom: number, left: number, right: number): Info {
    let y = x;
    if (top < 0 || bottom < 0 || left < 0 || right < 0) {
      const [n, h, w, c] = y.shape;
      const t = Math.max(0, -top);
      const l = Math.max(0, -left);
      const size = [n, h - t - Math.max(0, -bottom), w - l - Math.max(0, -right), c];
      y = this.run("Slice", { x: y }, { begin: [0, t, l, 0], size });
    }
    const pt = Math.max(0, top);
    const pb = Math.max(0, bottom);
    const pl = Math.max(0, left);
    const pr = Math.max(0, right);
    if (pt || pb || pl || pr) {
      y = this.run(
        "PadV2",
        { x: y },
        {
          paddings: [
            [0, 0],
            [pt, pb],
            [pl, pr],
            [0, 0],
          ],
          constantValue: 0,
        },
      );
    }
    return y;
  }
}

interface ConvGeometry {
  strideH: number;
  strideW: number;
  top: number;
  left: number;
  kh: number;
  kw: number;
}

function geometry(xShape: number[], filterShape: number[], attrs: Attrs): ConvGeometry {
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides as [number, number],
    1,
    attrs.pad as "same",
    attrs.dimRoundingMode as "round" | undefined,
  );
  if ((attrs.dataFormat ?? "NHWC") !== "NHWC") throw new Error("wasm conv gradients support NHWC only");
  return {
    strideH: info.strideHeight,
    strideW: info.strideWidth,
    top: info.padInfo.top,
    left: info.padInfo.left,
    kh: info.filterHeight,
    kw: info.filterWidth,
  };
}

function conv(s: KernelScope, x: Info, filter: Info, dilations: [number, number]): Info {
  return s.run(
    "Conv2D",
    { x, filter },
    { strides: [1, 1], pad: "valid", dataFormat: "NHWC", dilations, dimRoundingMode: undefined },
  );
}

/** dW[i,j,ci,co] = Σ_{b,p,q} x[b, p·sh + i − top, q·sw + j − left, ci] · dy[b,p,q,co] */
function conv2dBackpropFilter(args: {
  inputs: { x: Info; dy: Info };
  backend: WasmBackend;
  attrs: Attrs;
}): Info {
  const { x, dy } = args.inputs;
  const filterShape = args.attrs.filterShape as number[];
  const g = geometry(x.shape, filterShape, args.attrs);
  const s = new KernelScope(args.backend, new Map());
  const [, h, w] = x.shape;
  const [, oh, ow] = dy.shape;
  const xt = s.run("Transpose", { x }, { perm: [3, 1, 2, 0] }); // [Ci, H, W, B]
  const dyt = s.run("Transpose", { x: dy }, { perm: [1, 2, 0, 3] }); // [OH, OW, B, Co]
  // output rows = H + top + bottom − (OH−1)·sh must equal kh
  const bottom = g.kh - h - g.top + (oh - 1) * g.strideH;
  const right = g.kw - w - g.left + (ow - 1) * g.strideW;
  const xp = s.padOrCrop(xt, g.top, bottom, g.left, right);
  const out = conv(s, xp, dyt, [g.strideH, g.strideW]); // [Ci, kh, kw, Co]
  return s.finish(s.run("Transpose", { x: out }, { perm: [1, 2, 0, 3] })); // [kh, kw, Ci, Co]
}

/** dx[b,h,w,ci] = Σ_{i,j,co} dyDilated[b, h + top − i, w + left − j, co] · W[i,j,ci,co] */
function conv2dBackpropInput(args: {
  inputs: { dy: Info; filter: Info };
  backend: WasmBackend;
  attrs: Attrs;
}): Info {
  const { dy, filter } = args.inputs;
  const inputShape = args.attrs.inputShape as number[];
  const g = geometry(inputShape, filter.shape, args.attrs);
  const s = new KernelScope(args.backend, new Map());
  const [b, oh, ow, co] = dy.shape;
  let d = dy;
  let dh = oh;
  let dw = ow;
  if (g.strideH > 1 || g.strideW > 1) {
    // insert stride−1 zeros after every row/column: [B,OH,1,OW,1,Co] → pad → [B, OH·sh, OW·sw, Co]
    const r = s.run("Reshape", { x: dy }, { shape: [b, oh, 1, ow, 1, co] });
    const p = s.run(
      "PadV2",
      { x: r },
      {
        paddings: [
          [0, 0],
          [0, 0],
          [0, g.strideH - 1],
          [0, 0],
          [0, g.strideW - 1],
          [0, 0],
        ],
        constantValue: 0,
      },
    );
    dh = oh * g.strideH;
    dw = ow * g.strideW;
    d = s.run("Reshape", { x: p }, { shape: [b, dh, dw, co] });
  }
  const [, h, w] = inputShape;
  const top = g.kh - 1 - g.top;
  const left = g.kw - 1 - g.left;
  const dp = s.padOrCrop(d, top, h + g.kh - 1 - top - dh, left, w + g.kw - 1 - left - dw);
  const rev = s.run("Reverse", { x: filter }, { dims: [0, 1] });
  const wt = s.run("Transpose", { x: rev }, { perm: [0, 1, 3, 2] }); // [kh, kw, Co, Ci]
  return s.finish(conv(s, dp, wt, [1, 1]));
}

/** Registers the kernels above on the wasm backend; safe to call more than once. */
export function registerWasmGradKernels(): void {
  if (tf.getKernel("Conv2DBackpropFilter", BACKEND)?.kernelFunc === (conv2dBackpropFilter as never)) return;
  const original = tf.getKernel("BatchMatMul", BACKEND)?.kernelFunc;
  if (!original) throw new Error("wasm backend is not loaded: import @tensorflow/tfjs-backend-wasm first");
  const batchMatMul = (args: { inputs: { a: Info; b: Info }; backend: WasmBackend; attrs: Attrs }): Info => {
    const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
    if (!transposeA && !transposeB) return original(args as never) as Info;
    const s = new KernelScope(args.backend, new Map([["BatchMatMul", original]]));
    const swapLast = (t: Info) => {
      const perm = t.shape.map((_, i) => i);
      const n = perm.length;
      [perm[n - 2], perm[n - 1]] = [perm[n - 1], perm[n - 2]];
      return s.run("Transpose", { x: t }, { perm });
    };
    const a = transposeA ? swapLast(args.inputs.a) : args.inputs.a;
    const b = transposeB ? swapLast(args.inputs.b) : args.inputs.b;
    return s.finish(s.run("BatchMatMul", { a, b }, { ...args.attrs, transposeA: false, transposeB: false }));
  };
  for (const [kernelName, kernelFunc] of [
    ["Conv2DBackpropFilter", conv2dBackpropFilter],
    ["Conv2DBackpropInput", conv2dBackpropInput],
    ["BatchMatMul", batchMatMul],
  ] as const) {
    if (tf.getKernel(kernelName, BACKEND)) tf.unregisterKernel(kernelName, BACKEND);
    tf.registerKernel({
      kernelName,
      backendName: BACKEND,
      kernelFunc: kernelFunc as unknown as tf.KernelFunc,
    });
  }
}
