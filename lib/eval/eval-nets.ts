/**
 * The evaluation networks, built from config alone (no I/O):
 *   image [B, 64, 64, 3] ─► L × (3×3 stride-2 conv + bias + leaky ReLU) ─► global average pool ─► feature f [B, C]
 *   f ─► linear ─► image embedding [B, E]        (R-precision space, matched against captions)
 *   f ─► linear ─► class logits [B, K]           (Inception-like score)
 *   sentence embedding [B, T] ─► linear ─► text embedding [B, E]
 * f is also the feature the Fréchet distance is computed on (as FID uses Inception's pool3).
 */
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../random";
import type { EvalNetConfig } from "./eval-net-config";

/**
 * Named variables with seeded normal/zero init. (Not lib/gan's ParamStore: that one keeps the initial tensor
 * alive beside each variable, which a dispose-and-count leak test sees.)
 */
class Params {
  constructor(
    readonly prefix: string,
    private readonly rng: Rng,
    readonly vars = new Map<string, tf.Variable>(),
  ) {}
  param(name: string, shape: number[], std: number): tf.Variable {
    const full = `${this.prefix}.${name}`;
    if (this.vars.has(full)) throw new Error(`duplicate parameter name ${full}`);
    const size = shape.reduce((a, b) => a * b, 1);
    const values = std > 0 ? this.rng.fork(full).normals(size, std) : new Float32Array(size);
    const init = tf.tensor(values, shape);
    const v = tf.variable(init, true);
    init.dispose();
    this.vars.set(full, v);
    return v;
  }
  scope(name: string): Params {
    return new Params(`${this.prefix}.${name}`, this.rng, this.vars);
  }
}

interface ConvParams {
  w: tf.Variable; // [k, k, in, out]
  b: tf.Variable; // [out]
}
interface LinearParams {
  w: tf.Variable; // [in, out]
  b: tf.Variable; // [out]
}

/** He-normal init (gain for leaky ReLU 0.2) so the un-normalised conv stack keeps its activation scale. */
function conv(store: Params, k: number, inC: number, outC: number): ConvParams {
  const std = Math.sqrt(2 / (1 + 0.2 ** 2) / (k * k * inC));
  return { w: store.param("w", [k, k, inC, outC], std), b: store.param("b", [outC], 0) };
}

function linear(store: Params, inDim: number, outDim: number): LinearParams {
  return { w: store.param("w", [inDim, outDim], Math.sqrt(1 / inDim)), b: store.param("b", [outDim], 0) };
}

const applyLinear = (p: LinearParams, x: tf.Tensor2D): tf.Tensor2D =>
  tf.matMul(x, p.w as tf.Tensor2D).add(p.b) as tf.Tensor2D;

export class EvalNets {
  readonly store: Params;
  private readonly convs: ConvParams[];
  private readonly imageProj: LinearParams;
  private readonly textProj: LinearParams;
  private readonly classifier: LinearParams;

  constructor(
    readonly config: EvalNetConfig,
    readonly numClasses: number,
    seed = config.train.seed,
  ) {
    if (numClasses < 1) throw new Error("EvalNets: the classifier needs at least one class");
    this.store = new Params("eval", new Rng(seed));
    const enc = this.store.scope("enc");
    let inC = 3;
    this.convs = config.channels.map((outC, i) => {
      const p = conv(enc.scope(`conv${i}`), config.kernel, inC, outC);
      inC = outC;
      return p;
    });
    this.imageProj = linear(this.store.scope("imageProj"), inC, config.embDim);
    this.textProj = linear(this.store.scope("textProj"), config.textDim, config.embDim);
    this.classifier = linear(this.store.scope("classifier"), inC, numClasses);
  }

  get featureDim(): number {
    return this.config.channels[this.config.channels.length - 1];
  }

  /** x [B, 64, 64, 3] in [-1, 1] → pooled feature [B, C] */
  features(x: tf.Tensor4D): tf.Tensor2D {
    let h = x;
    for (const c of this.convs)
      h = tf.leakyRelu(tf.conv2d(h, c.w as tf.Tensor4D, 2, "same").add(c.b), 0.2) as tf.Tensor4D;
    return tf.mean(h, [1, 2]) as tf.Tensor2D;
  }

  /** f [B, C] → [B, E] */
  imageEmbedding(f: tf.Tensor2D): tf.Tensor2D {
    return applyLinear(this.imageProj, f);
  }

  /** sentence embeddings [B, T] → [B, E] */
  textEmbedding(e: tf.Tensor2D): tf.Tensor2D {
    return applyLinear(this.textProj, e);
  }

  /** f [B, C] → class logits [B, K] */
  classLogits(f: tf.Tensor2D): tf.Tensor2D {
    return applyLinear(this.classifier, f);
  }

  trainable(): tf.Variable[] {
    return [...this.store.vars.values()];
  }

  /** every weight by its dotted name ("eval.enc.conv0.w") */
  namedTensors(): Map<string, tf.Variable> {
    return this.store.vars;
  }

  dispose(): void {
    for (const v of this.store.vars.values()) v.dispose();
    this.store.vars.clear();
  }
}
