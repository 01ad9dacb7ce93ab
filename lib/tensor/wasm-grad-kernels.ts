/**
 * Gradient kernels the tfjs 4.22 wasm backend lacks or runs slowly, rebuilt from its own fast kernels
 * (XNNPACK Conv2D, Transpose, PadV2, Reverse, Slice), so conv training never drops to a scalar loop.
 *
 * - Conv2DBackpropFilter (missing): dW = conv(xᵀ, dyᵀ) with dilation = stride (batch and channel axes swapped).
 * - Conv2DBackpropInput (scalar loop upstream): dx = conv(pad(dy), rot180(W)ᵀ) at stride 1; at stride s one
 *   exact stride-1 conv per output phase, interleaved by Transpose (no zero-stuffed dy).
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
    readonly backend: WasmBackend,
    private readonly kernels: Map<string, tf.KernelFunc>,
  ) {}

  run(name: string, inputs: Record<string, Info>, attrs: Attrs): Info {
    const fn = this.kernels.get(name) ?? tf.getKernel(name, BACKEND)?.kernelFunc;
    if (!fn) throw new Error(`wasm backend has no ${name} kernel`);
    const out = fn({ inputs, backend: this.backend, attrs } as never) as Info;
    this.temps.push(out);
    return out;
  }

  /** Register a tensor made outside run() so finish() frees it too. */
  track(t: Info): Info {
    this.temps.push(t);
    return t;
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

/**
 * Strided dx with every phase exact: output row h = s·V + ρ reads dy rows V + q − t with taps W[r + s·t],
 * where ρ + top = s·q + r. One stride-1 conv per phase (ρh, ρw) computes exactly its H/s × W/s cells, so
 * no multiply is spent on cells outside the image (the one-conv form below wastes (1 + s/H)² on small maps);
 * two Transposes that collapse to rank 4 and 3 interleave the phases. Needs H, W divisible by the strides.
 */
function backpropInputByPhase(
  s: KernelScope,
  dy: Info,
  wv: Float32Array,
  inputShape: number[],
  g: ConvGeometry,
) {
  const [b, h, w, ci] = inputShape;
  const [, oh, ow, co] = dy.shape;
  const [sh, sw] = [g.strideH, g.strideW];
  const [hh, ww] = [h / sh, w / sw];
  const phases: Info[] = [];
  for (let rh = 0; rh < sh; rh++)
    for (let rw = 0; rw < sw; rw++) {
      const r = (rh + g.top) % sh;
      const q = Math.floor((rh + g.top) / sh);
      const c = (rw + g.left) % sw;
      const qw = Math.floor((rw + g.left) / sw);
      const ka = Math.ceil((g.kh - r) / sh);
      const kb = Math.ceil((g.kw - c) / sw);
      // F[t, u, co, ci] = W[r + sh·(ka−1−t), c + sw·(kb−1−u), ci, co]
      const fv = new Float32Array(ka * kb * co * ci);
      for (let t = 0; t < ka; t++)
        for (let u = 0; u < kb; u++) {
          const i = r + sh * (ka - 1 - t);
          const j = c + sw * (kb - 1 - u);
          for (let x = 0; x < ci; x++) {
            const src = ((i * g.kw + j) * ci + x) * co;
            const dst = (t * kb + u) * co * ci + x;
            for (let y = 0; y < co; y++) fv[dst + y * ci] = wv[src + y];
          }
        }
      const f = s.track(s.backend.makeOutput([ka, kb, co, ci], "float32", undefined, fv));
      const top = ka - 1 - q;
      const left = kb - 1 - qw;
      const dp = s.padOrCrop(dy, top, hh + ka - 1 - top - oh, left, ww + kb - 1 - left - ow);
      phases.push(conv(s, dp, f, [1, 1])); // [B, H/sh, W/sw, Ci]
    }
  // [(ρh, ρw, B·hh), ww, Ci] → [ρh, B·hh, ww, ρw, Ci] → [B·hh, ρh, ww·ρw·Ci] = [B, H, W, Ci]
  const joined = s.run("Concat", phases as never, { axis: 0 });
  const j5 = s.run("Reshape", { x: joined }, { shape: [sh, sw, b * hh, ww, ci] });
  const cols = s.run("Transpose", { x: j5 }, { perm: [0, 2, 3, 1, 4] });
  const c3 = s.run("Reshape", { x: cols }, { shape: [sh, b * hh, ww * sw * ci] });
  const rows = s.run("Transpose", { x: c3 }, { perm: [1, 0, 2] });
  return s.finish(s.run("Reshape", { x: rows }, { shape: [b, h, w, ci] }));
}

/**
 * dx[b,h,w,ci] = Σ dy[b,p,q,co] · W[i,j,ci,co] over p·sh + i − top = h, q·sw + j − left = w.
 * Sub-pixel form: output row u = h + top splits into phase r = u mod s and cell U = ⌊u/s⌋, and each phase is
 * a stride-1 correlation of dy with the taps W[r + s·a]. All s² phases run as ONE stride-1 conv with s²·Ci
 * output channels, then one Transpose interleaves them: no zero-stuffed dy, no wasted multiplies.
 */
function conv2dBackpropInput(args: {
  inputs: { dy: Info; filter: Info };
  backend: WasmBackend;
  attrs: Attrs;
}): Info {
  const { dy, filter } = args.inputs;
  const inputShape = args.attrs.inputShape as number[];
  const g = geometry(inputShape, filter.shape, args.attrs);
  const s = new KernelScope(args.backend, new Map());
  const [b, h, w, ci] = inputShape;
  const [, oh, ow, co] = dy.shape;
  const [sh, sw] = [g.strideH, g.strideW];
  const wv = args.backend.readSync(filter.dataId) as Float32Array;
  if ((sh > 1 || sw > 1) && h % sh === 0 && w % sw === 0 && g.kh >= sh && g.kw >= sw)
    return backpropInputByPhase(s, dy, wv, inputShape, g);
  const ka = Math.ceil(g.kh / sh); // taps per phase (rows)
  const kb = Math.ceil(g.kw / sw);
  // F[a, a', co, (r·sw + c)·Ci + ci] = W[r + sh·(ka−1−a), c + sw·(kb−1−a'), ci, co] (0 outside the kernel)
  const outC = sh * sw * ci;
  const fv = new Float32Array(ka * kb * co * outC);
  for (let a = 0; a < ka; a++)
    for (let a2 = 0; a2 < kb; a2++)
      for (let r = 0; r < sh; r++)
        for (let c = 0; c < sw; c++) {
          const i = r + sh * (ka - 1 - a);
          const j = c + sw * (kb - 1 - a2);
          if (i >= g.kh || j >= g.kw) continue;
          for (let x = 0; x < ci; x++) {
            const src = ((i * g.kw + j) * ci + x) * co;
            const dst = (a * kb + a2) * co * outC + (r * sw + c) * ci + x;
            for (let y = 0; y < co; y++) fv[dst + y * outC] = wv[src + y];
          }
        }
  const f = s.track(args.backend.makeOutput([ka, kb, co, outC], "float32", undefined, fv));
  if (sh === 1 && sw === 1) {
    // one phase: pad so the correlation lands exactly on rows 0 .. H−1 (no crop afterwards)
    const top = g.kh - 1 - g.top;
    const left = g.kw - 1 - g.left;
    const dp1 = s.padOrCrop(dy, top, h + g.kh - 1 - top - oh, left, w + g.kw - 1 - left - ow);
    return s.finish(conv(s, dp1, f, [1, 1]));
  }
  const hq = Math.ceil((h + g.top) / sh); // phase cells needed to cover rows top .. top + H
  const wq = Math.ceil((w + g.left) / sw);
  const dp = s.padOrCrop(dy, ka - 1, hq - oh, kb - 1, wq - ow);
  const zc = conv(s, dp, f, [1, 1]); // [B, hq, wq, sh·sw·Ci]
  // interleave the phases: [B, hq, wq, sh, sw, Ci] → [B, hq, sh, wq, sw, Ci]. A Transpose, not the wasm
  // DepthToSpace kernel, which is a scalar loop ~10× slower than the transpose.
  const z6 = s.run("Reshape", { x: zc }, { shape: [b, hq, wq, sh, sw, ci] });
  const zt = s.run("Transpose", { x: z6 }, { perm: [0, 1, 3, 2, 4, 5] });
  const z = s.run("Reshape", { x: zt }, { shape: [b, sh * hq, sw * wq, ci] }); // [B, sh·hq, sw·wq, Ci]
  if (z.shape[1] === h && z.shape[2] === w && g.top === 0 && g.left === 0) return s.finish(z);
  return s.finish(s.run("Slice", { x: z }, { begin: [0, g.top, g.left, 0], size: [b, h, w, ci] }));
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
