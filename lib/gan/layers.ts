/**
 * The plain layers every network is made of (dense, conv2d, batchnorm, nearest 2× upsampling, activations):
 * exactly the set an ONNX export needs (Gemm, Conv, BatchNormalization, Resize nearest, Relu, LeakyRelu, Tanh, Concat).
 * Tensors are NHWC; conv weights are [kh, kw, in, out]; dense weights are [in, out].
 */
import * as tf from "@tensorflow/tfjs";
import { type BatchNormActivation, batchNormAct, nativeBatchNormReady } from "../tensor";
import type { ParamStore } from "./param-store";

/** How a forward pass runs: training uses batch statistics; `updateStats` also moves the running ones. */
export interface Mode {
  training: boolean;
  updateStats?: boolean;
  /** running-statistics momentum (default 0.1; 1/(k+1) gives an exact average over k+1 batches) */
  momentum?: number;
}

/** the discriminators' leaky ReLU slope */
export const LEAKY_SLOPE = 0.2;

const W_INIT = { kind: "normal", mean: 0, std: 0.02 } as const;

export class Dense {
  readonly w: tf.Variable;
  readonly b: tf.Variable | null;
  constructor(
    store: ParamStore,
    inDim: number,
    outDim: number,
    opts: { bias?: boolean; initStd?: number } = {},
  ) {
    this.w = store.param("w", [inDim, outDim], { ...W_INIT, std: opts.initStd ?? W_INIT.std });
    this.b = opts.bias === false ? null : store.param("b", [outDim], { kind: "zeros" });
  }
  apply(x: tf.Tensor2D): tf.Tensor2D {
    const y = tf.matMul(x, this.w as tf.Tensor2D) as tf.Tensor2D;
    return this.b ? (y.add(this.b) as tf.Tensor2D) : y;
  }
}

export class Conv2d {
  readonly w: tf.Variable;
  readonly b: tf.Variable | null;
  constructor(
    store: ParamStore,
    inC: number,
    outC: number,
    readonly k: number,
    readonly stride = 1,
    readonly pad: "same" | "valid" = "same",
    opts: { bias?: boolean } = {},
  ) {
    this.w = store.param("w", [k, k, inC, outC], W_INIT);
    this.b = opts.bias ? store.param("b", [outC], { kind: "zeros" }) : null;
  }
  apply(x: tf.Tensor4D): tf.Tensor4D {
    const y = tf.conv2d(x, this.w as tf.Tensor4D, this.stride, this.pad);
    return this.b ? (y.add(this.b) as tf.Tensor4D) : y;
  }
}

/** Batch normalisation over the channel (last) axis, with running statistics (momentum 0.1, as PyTorch). */
export class BatchNorm {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;
  readonly mean: tf.Variable;
  readonly variance: tf.Variable;
  static readonly EPS = 1e-5;
  static readonly MOMENTUM = 0.1;
  constructor(store: ParamStore, channels: number) {
    this.gamma = store.param("gamma", [channels], { kind: "normal", mean: 1, std: 0.02 });
    this.beta = store.param("beta", [channels], { kind: "zeros" });
    this.mean = store.buffer("mean", [channels], { kind: "zeros" });
    this.variance = store.buffer("var", [channels], { kind: "ones" });
  }
  /**
   * Normalise x, then apply `act` (leaky: slope 0.2). Training with the native addon runs one fused kernel
   * (lib/tensor/native-batch-norm.ts); otherwise composed ops.
   */
  apply<T extends tf.Tensor>(x: T, mode: Mode, act: BatchNormActivation = "none"): T {
    if (mode.training && nativeBatchNormReady()) {
      const { y, mean, variance } = batchNormAct(
        x,
        this.gamma as tf.Tensor1D,
        this.beta as tf.Tensor1D,
        act,
        {
          slope: LEAKY_SLOPE,
          eps: BatchNorm.EPS,
        },
      );
      if (mode.updateStats) this.updateRunningStats(x, mean, variance, mode);
      return y;
    }
    let mean: tf.Tensor;
    let variance: tf.Tensor;
    if (mode.training) {
      ({ mean, variance } = tf.moments(x, axes(x)));
      if (mode.updateStats) this.updateRunningStats(x, mean, variance, mode);
    } else {
      mean = this.mean;
      variance = this.variance;
    }
    const scale = tf.rsqrt(variance.add(BatchNorm.EPS)).mul(this.gamma);
    const y = x.sub(mean).mul(scale).add(this.beta) as T;
    return act === "relu" ? tf.relu(y) : act === "leaky" ? tf.leakyRelu(y, LEAKY_SLOPE) : y;
  }

  /** Move the running statistics toward a batch's (only ever outside a gradient tape: the D step's G pass). */
  private updateRunningStats(x: tf.Tensor, mean: tf.Tensor, variance: tf.Tensor, mode: Mode): void {
    const n = x.size / x.shape[x.shape.length - 1];
    const m = mode.momentum ?? BatchNorm.MOMENTUM;
    // running variance is the unbiased estimate, as in PyTorch
    this.mean.assign(tf.tidy(() => this.mean.mul(1 - m).add(mean.mul(m))));
    this.variance.assign(
      tf.tidy(() => this.variance.mul(1 - m).add(variance.mul((m * n) / Math.max(n - 1, 1)))),
    );
  }
}

const axes = (x: tf.Tensor): number[] => x.shape.slice(0, -1).map((_, i) => i);

/** Nearest-neighbour 2× upsampling [B,H,W,C] → [B,2H,2W,C], written as reshape + broadcast so its
 *  gradient is a plain sum on every backend (tfjs-cpu's ResizeNearestNeighborGrad is wrong for batch > 1). */
export function upsample2x(x: tf.Tensor4D): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  return tf
    .reshape(x, [b * h, 1, w, 1, c])
    .mul(tf.ones([1, 2, 1, 2, 1]))
    .reshape([b, 2 * h, 2 * w, c]);
}

/** P[(a·2 + b)·4 + ty·2 + tx][ky·3 + kx] = 1 when 3×3 tap (ky, kx) folds into 2×2 tap (ty, tx) of phase (a, b) */
const PHASE_FOLD: number[][] = (() => {
  // rows of the 3×3 kernel that fold into 2×2 row t for output phase a (see upsampleConv3x3)
  const taps = [
    [[0], [1, 2]],
    [[0, 1], [2]],
  ];
  const p = Array.from({ length: 16 }, () => new Array<number>(9).fill(0));
  for (let a = 0; a < 2; a++)
    for (let b = 0; b < 2; b++)
      for (let ty = 0; ty < 2; ty++)
        for (let tx = 0; tx < 2; tx++)
          for (const ky of taps[a][ty])
            for (const kx of taps[b][tx]) p[(a * 2 + b) * 4 + ty * 2 + tx][ky * 3 + kx] = 1;
  return p;
})();

/**
 * Nearest 2× upsampling followed by a 3×3 "same" conv (weights [3,3,Ci,Co]), computed exactly as four 2×2
 * convs on the small input, one per output phase, as the ONNX export does (emitUpBlockSubpixel): output row
 * 2i+a reads upsampled rows 2i+a−1 … 2i+a+1, i.e. input rows {i−1: W0, i: W1+W2} for a = 0 and
 * {i: W0+W1, i+1: W2} for a = 1 (columns alike). 16 instead of 36 multiply-adds per input pixel and channel
 * pair, no 4× larger intermediate, and every piece has a gradient on every backend.
 * x [B,H,W,Ci] → [B,2H,2W,Co]
 */
export function upsampleConv3x3(x: tf.Tensor4D, w: tf.Tensor4D): tf.Tensor4D {
  const [b, h, wd] = x.shape;
  const [k, k2, ci, co] = w.shape;
  if (k !== 3 || k2 !== 3) throw new Error(`upsampleConv3x3 needs a 3×3 kernel, got ${k}×${k2}`);
  return tf.tidy(() => {
    // [16, 9] · [9, Ci·Co] → the four phases' 2×2 kernels, one row block of 4 per phase
    const folded = tf.matMul(tf.tensor2d(PHASE_FOLD), w.reshape([9, ci * co])).reshape([4, 4 * ci * co]);
    const phases = [0, 1, 2, 3].map((p) => {
      const a = p >> 1;
      const bb = p & 1;
      const kern = folded.slice([p, 0], [1, 4 * ci * co]).reshape([2, 2, ci, co]) as tf.Tensor4D;
      // phase a reads input rows i−1+a and i+a: pad 1−a above and a below (columns alike with b)
      const pad: [[number, number], [number, number], [number, number], [number, number]] = [
        [0, 0],
        [1 - a, a],
        [1 - bb, bb],
        [0, 0],
      ];
      return tf.conv2d(x, kern, 1, pad); // [B,H,W,Co]
    });
    // interleave the phases: [a, b, B·H, W, Co] → [a, B·H, W, b, Co] → [B·H, a, W·b·Co] = [B,2H,2W,Co].
    // Joined on the batch axis and moved by two transposes that collapse to rank 4 and 3: the wasm backend
    // runs those fast, while a rank-6 transpose, a channel-axis split (the gradient of a channel concat) or
    // an unstack (the gradient of stack) are slow JS loops there.
    const joined = tf.concat(phases, 0).reshape([2, 2, b * h, wd, co]);
    const cols = joined.transpose([0, 2, 3, 1, 4]).reshape([2, b * h, wd * 2 * co]);
    return cols.transpose([1, 0, 2]).reshape([b, 2 * h, 2 * wd, co]) as tf.Tensor4D;
  });
}

export const leaky = (x: tf.Tensor4D): tf.Tensor4D => tf.leakyRelu(x, LEAKY_SLOPE);

/** c [B,D] replicated over an s×s grid → [B,s,s,D] */
export function replicate(c: tf.Tensor2D, s: number): tf.Tensor4D {
  const [b, d] = c.shape;
  return c.reshape([b, 1, 1, d]).tile([1, s, s, 1]) as tf.Tensor4D;
}

/** identity forward, zero gradient (tfjs 4.22 has no public stopGradient) */
export const stopGradient = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
  value: (args[0] as tf.Tensor).clone(),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
})) as <T extends tf.Tensor>(x: T) => T;
