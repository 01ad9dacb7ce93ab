/**
 * lib/gan layers → ONNX nodes, NCHW inside. Batch norm (inference formula, running statistics, ε = 1e-5) is folded
 * into the conv or gemm before it, in float64, then rounded to float32 once:
 *   BN(conv(x) + b) = conv(x)·s + (b − mean)·s + β,   s = γ / √(var + ε)
 * tfjs conv weights [kh, kw, in, out] become ONNX [out, in, kh, kw]; "same" padding is written out explicitly
 * (TensorFlow puts the odd pixel at the bottom/right).
 */
import type * as tf from "@tensorflow/tfjs";
import { BatchNorm, type CondAugment, type Conv2d, type Dense, type UpBlock } from "../../gan";
import type { GraphBuilder } from "./graph-builder";

export function values(v: tf.Variable | tf.Tensor): Float32Array {
  return Float32Array.from(v.dataSync() as Float32Array);
}

export interface Affine {
  scale: Float64Array;
  shift: Float64Array;
}

/** the per-channel y = x·scale + shift a BatchNorm computes in inference mode */
export function bnAffine(bn: BatchNorm): Affine {
  const [gamma, beta, mean, variance] = [bn.gamma, bn.beta, bn.mean, bn.variance].map(values);
  const scale = new Float64Array(gamma.length);
  const shift = new Float64Array(gamma.length);
  for (let c = 0; c < gamma.length; c++) {
    scale[c] = gamma[c] / Math.sqrt(variance[c] + BatchNorm.EPS);
    shift[c] = beta[c] - mean[c] * scale[c];
  }
  return { scale, shift };
}

/** TensorFlow "same" padding along one axis: [before, after] */
export function samePads(size: number, k: number, stride: number): [number, number] {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + k - size, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/** conv (+ folded BN) on a square NCHW input of side `size`; returns the output name and side */
export function emitConv(
  g: GraphBuilder,
  name: string,
  x: string,
  conv: Conv2d,
  bn: BatchNorm | null,
  size: number,
): { out: string; size: number } {
  const [k, , inC, outC] = conv.w.shape;
  const w = values(conv.w);
  const b = conv.b ? values(conv.b) : new Float32Array(outC);
  const { scale, shift } = bn ? bnAffine(bn) : { scale: null, shift: null };
  const wOut = new Float32Array(outC * inC * k * k);
  const bOut = new Float32Array(outC);
  for (let o = 0; o < outC; o++) {
    const s = scale ? scale[o] : 1;
    bOut[o] = shift ? b[o] * s + shift[o] : b[o];
    for (let i = 0; i < inC; i++)
      for (let ky = 0; ky < k; ky++)
        for (let kx = 0; kx < k; kx++)
          wOut[((o * inC + i) * k + ky) * k + kx] = w[((ky * k + kx) * inC + i) * outC + o] * s;
  }
  const [p0, p1] = conv.pad === "same" ? samePads(size, k, conv.stride) : [0, 0];
  const out = g.op(
    "Conv",
    [x, g.float(`${name}.w`, wOut, [outC, inC, k, k]), g.float(`${name}.b`, bOut, [outC])],
    { kernel_shape: [k, k], strides: [conv.stride, conv.stride], pads: [p0, p0, p1, p1], dilations: [1, 1] },
    name,
  );
  const outSize =
    conv.pad === "same" ? Math.ceil(size / conv.stride) : Math.floor((size - k) / conv.stride) + 1;
  return { out, size: outSize };
}

/**
 * Nearest 2× then 3×3 "same" conv, rewritten exactly as four 2×2 convs on the small input (one per output
 * phase) joined by DepthToSpace: output row 2i+a reads upsampled rows 2i+a−1 … 2i+a+1, i.e. input rows
 * {i−1: W0, i: W1+W2} for a = 0 and {i: W0+W1, i+1: W2} for a = 1 (columns alike). 16 instead of 36
 * multiply-adds per input pixel and channel pair, and no 4× larger intermediate.
 */
export function emitUpBlockSubpixel(
  g: GraphBuilder,
  name: string,
  x: string,
  up: UpBlock,
  size: number,
): { out: string; size: number } {
  const [k, , inC, outC] = up.conv.w.shape;
  if (k !== 3 || up.conv.stride !== 1)
    throw new Error(`${name}: the sub-pixel rewrite needs a 3×3 stride-1 conv`);
  const w = values(up.conv.w);
  const b = up.conv.b ? values(up.conv.b) : new Float32Array(outC);
  const { scale, shift } = bnAffine(up.bn);
  // taps[a][t]: which 3×3 rows fold into 2×2 row t for phase a
  const taps = [
    [[0], [1, 2]],
    [[0, 1], [2]],
  ];
  // DepthToSpace (DCR) reads channel (a·2 + b)·outC + o for output pixel (2i+a, 2j+b)
  const phases: string[] = [];
  for (let a = 0; a < 2; a++)
    for (let bb = 0; bb < 2; bb++) {
      const wp = new Float64Array(outC * inC * 4);
      for (let o = 0; o < outC; o++)
        for (let i = 0; i < inC; i++)
          for (let ty = 0; ty < 2; ty++)
            for (let tx = 0; tx < 2; tx++) {
              let sum = 0;
              for (const ky of taps[a][ty])
                for (const kx of taps[bb][tx]) sum += w[((ky * 3 + kx) * inC + i) * outC + o];
              wp[((o * inC + i) * 2 + ty) * 2 + tx] = sum * scale[o];
            }
      const bias = Float32Array.from({ length: outC }, (_, o) => b[o] * scale[o] + shift[o]);
      const pname = `${name}.p${a}${bb}`;
      phases.push(
        g.op(
          "Conv",
          [
            x,
            g.float(`${pname}.w`, Float32Array.from(wp), [outC, inC, 2, 2]),
            g.float(`${pname}.b`, bias, [outC]),
          ],
          // phase a reads input rows i−1+a and i+a: pad 1−a above, a below
          { kernel_shape: [2, 2], strides: [1, 1], pads: [1 - a, 1 - bb, a, bb], dilations: [1, 1] },
          pname,
        ),
      );
    }
  const joined = g.op("Concat", phases, { axis: 1 });
  const d2s = g.op("DepthToSpace", [joined], { blocksize: 2, mode: "DCR" });
  return { out: g.op("Relu", [d2s], {}, `${name}.relu`), size: size * 2 };
}

/** nearest `factor`× upscale of an NCHW tensor (Resize, floor of x/factor): tfjs's upsample2x, repeated */
export function emitNearestUpscale(g: GraphBuilder, name: string, x: string, factor: number): string {
  const scales = g.float(`${name}.scales`, Float32Array.from([1, 1, factor, factor]), [4]);
  return g.op("Resize", [x, "", scales], {
    mode: "nearest",
    coordinate_transformation_mode: "asymmetric",
    nearest_mode: "floor",
  });
}

/** nearest 2× (Resize, floor of x/2) → 3×3 conv + folded BN → ReLU */
export function emitUpBlockResize(
  g: GraphBuilder,
  name: string,
  x: string,
  up: UpBlock,
  size: number,
): { out: string; size: number } {
  const big = emitNearestUpscale(g, name, x, 2);
  const conv = emitConv(g, `${name}.conv`, big, up.conv, up.bn, size * 2);
  return { out: g.op("Relu", [conv.out], {}, `${name}.relu`), size: conv.size };
}

export type UpsampleMode = "subpixel" | "resize";

export function emitUpBlock(
  g: GraphBuilder,
  name: string,
  x: string,
  up: UpBlock,
  size: number,
  mode: UpsampleMode,
): { out: string; size: number } {
  return mode === "subpixel"
    ? emitUpBlockSubpixel(g, name, x, up, size)
    : emitUpBlockResize(g, name, x, up, size);
}

/** Gemm with [in, out] weights (tfjs layout = ONNX B without transpose) */
export function emitDense(g: GraphBuilder, name: string, x: string, dense: Dense, halve = false): string {
  const [inDim, outDim] = dense.w.shape;
  const k = halve ? 0.5 : 1; // a power of two: scaling the weights is exact
  const w = values(dense.w).map((v) => v * k);
  const b = dense.b ? values(dense.b).map((v) => v * k) : new Float32Array(outDim);
  return g.op(
    "Gemm",
    [x, g.float(`${name}.w`, w, [inDim, outDim]), g.float(`${name}.b`, b, [outDim])],
    {},
    name,
  );
}

/** conditioning augmentation: c = μ + exp(log σ² / 2)·ε, with the ½ folded into the log σ² projection */
export function emitCondAugment(
  g: GraphBuilder,
  name: string,
  emb: string,
  eps: string,
  ca: CondAugment,
): string {
  const mu = emitDense(g, `${name}.mu`, emb, ca.fcMu);
  const halfLogvar = emitDense(g, `${name}.half_logvar`, emb, ca.fcLogvar, true);
  const sigma = g.op("Exp", [halfLogvar], {}, `${name}.sigma`);
  return g.op("Add", [mu, g.op("Mul", [sigma, eps])], {}, `${name}.c`);
}
