/**
 * The plain layers every network is made of (dense, conv2d, batchnorm, nearest 2× upsampling, activations):
 * exactly the set an ONNX export needs (Gemm, Conv, BatchNormalization, Resize nearest, Relu, LeakyRelu, Tanh, Concat).
 * Tensors are NHWC; conv weights are [kh, kw, in, out]; dense weights are [in, out].
 */
import * as tf from "@tensorflow/tfjs";
import type { ParamStore } from "./param-store";

/** How a forward pass runs: training uses batch statistics; `updateStats` also moves the running ones. */
export interface Mode {
  training: boolean;
  updateStats?: boolean;
  /** running-statistics momentum (default 0.1; 1/(k+1) gives an exact average over k+1 batches) */
  momentum?: number;
}

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
  apply<T extends tf.Tensor>(x: T, mode: Mode): T {
    const axes = x.shape.slice(0, -1).map((_, i) => i);
    let mean: tf.Tensor;
    let variance: tf.Tensor;
    if (mode.training) {
      ({ mean, variance } = tf.moments(x, axes));
      // only ever set outside a gradient tape (the D step's generator pass)
      if (mode.updateStats) {
        const n = x.size / x.shape[x.shape.length - 1];
        const m = mode.momentum ?? BatchNorm.MOMENTUM;
        // running variance is the unbiased estimate, as in PyTorch
        this.mean.assign(tf.tidy(() => this.mean.mul(1 - m).add(mean.mul(m))));
        this.variance.assign(
          tf.tidy(() => this.variance.mul(1 - m).add(variance.mul((m * n) / Math.max(n - 1, 1)))),
        );
      }
    } else {
      mean = this.mean;
      variance = this.variance;
    }
    const scale = tf.rsqrt(variance.add(BatchNorm.EPS)).mul(this.gamma);
    return x.sub(mean).mul(scale).add(this.beta) as T;
  }
}

/** Nearest-neighbour 2× upsampling [B,H,W,C] → [B,2H,2W,C], written as reshape + broadcast so its
 *  gradient is a plain sum on every backend (tfjs-cpu's ResizeNearestNeighborGrad is wrong for batch > 1). */
export function upsample2x(x: tf.Tensor4D): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  return tf
    .reshape(x, [b * h, 1, w, 1, c])
    .mul(tf.ones([1, 2, 1, 2, 1]))
    .reshape([b, 2 * h, 2 * w, c]);
}

export const leaky = (x: tf.Tensor4D): tf.Tensor4D => tf.leakyRelu(x, 0.2);

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
