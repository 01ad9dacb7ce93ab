/**
 * Named weights of one network. Names are stable and dotted ("g1.up0.conv.w") so checkpoints,
 * the ONNX exporter and tests can address every tensor. Values come from our own seeded Rng,
 * so initial weights are identical on every backend.
 */
import * as tf from "@tensorflow/tfjs";
import type { Rng } from "../random";

export type Init = { kind: "normal"; mean: number; std: number } | { kind: "zeros" } | { kind: "ones" };

export class ParamStore {
  constructor(
    readonly prefix: string,
    private readonly rng: Rng,
    /** trained by the optimiser */
    readonly trainable = new Map<string, tf.Variable>(),
    /** running statistics (batchnorm): saved with the weights, never trained */
    readonly buffers = new Map<string, tf.Variable>(),
  ) {}

  private make(name: string, shape: number[], init: Init, trainable: boolean): tf.Variable {
    const full = `${this.prefix}.${name}`;
    if (this.trainable.has(full) || this.buffers.has(full))
      throw new Error(`duplicate parameter name ${full}`);
    const size = shape.reduce((a, b) => a * b, 1);
    const values =
      init.kind === "normal"
        ? this.rng.fork(full).normals(size, init.std, init.mean)
        : new Float32Array(size).fill(init.kind === "ones" ? 1 : 0);
    // the variable holds its own reference to the data: the initial tensor is released at once
    const initial = tf.tensor(values, shape);
    const v = tf.variable(initial, trainable);
    initial.dispose();
    (trainable ? this.trainable : this.buffers).set(full, v);
    return v;
  }

  param(name: string, shape: number[], init: Init): tf.Variable {
    return this.make(name, shape, init, true);
  }

  buffer(name: string, shape: number[], init: Init): tf.Variable {
    return this.make(name, shape, init, false);
  }

  /** A child scope: store.scope("up0").param("w") is named "<prefix>.up0.w". */
  scope(name: string): ParamStore {
    return new ParamStore(`${this.prefix}.${name}`, this.rng, this.trainable, this.buffers);
  }

  /** every tensor by name, trainable first */
  all(): Map<string, tf.Variable> {
    return new Map([...this.trainable, ...this.buffers]);
  }

  dispose(): void {
    for (const v of this.all().values()) v.dispose();
    this.trainable.clear();
    this.buffers.clear();
  }
}
