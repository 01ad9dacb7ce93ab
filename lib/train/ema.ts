/**
 * Exponential moving average of the trained generator's weights (as ProGAN, StyleGAN and BigGAN serve):
 * ema ← d·ema + (1 − d)·w after every step, with d = min(decay, (1 + t)/(10 + t)) so the first steps are not
 * dominated by the initial weights. Training goes on with the raw weights; `swapIn` puts the average into the
 * model for sample grids and checkpoints, `swapOut` restores the raw weights exactly.
 */
import * as tf from "@tensorflow/tfjs";

export class WeightAverage {
  readonly avg = new Map<string, tf.Variable>();
  private raw: Map<string, tf.Tensor> | null = null;

  /** Start the average at the current values of `vars`. */
  constructor(
    private readonly vars: Map<string, tf.Variable>,
    readonly decay: number,
  ) {
    for (const [name, v] of vars) this.avg.set(name, tf.variable(v.clone(), false));
  }

  /** Fold in the weights after step `step` (1-based count of steps done). */
  update(step: number): void {
    const d = Math.min(this.decay, (1 + step) / (10 + step));
    tf.tidy(() => {
      for (const [name, v] of this.vars) {
        const a = this.avg.get(name) as tf.Variable;
        a.assign(a.mul(d).add(v.mul(1 - d)));
      }
    });
  }

  /** Set the average (e.g. from a checkpoint). */
  load(values: Map<string, tf.Tensor>): void {
    for (const [name, a] of this.avg) {
      const t = values.get(name);
      if (t) a.assign(t);
    }
  }

  /** Put the average into the model, keeping the raw weights aside (must be followed by swapOut). */
  swapIn(): void {
    if (this.raw) throw new Error("WeightAverage.swapIn called twice");
    this.raw = new Map();
    for (const [name, v] of this.vars) {
      this.raw.set(name, v.clone());
      v.assign(this.avg.get(name) as tf.Variable);
    }
  }

  /** the raw weights while the average is swapped in */
  get rawWeights(): Map<string, tf.Tensor> {
    if (!this.raw) throw new Error("the average is not swapped in");
    return this.raw;
  }

  swapOut(): void {
    if (!this.raw) return;
    for (const [name, v] of this.vars) v.assign(this.raw.get(name) as tf.Tensor);
    tf.dispose([...this.raw.values()]);
    this.raw = null;
  }

  dispose(): void {
    this.swapOut();
    tf.dispose([...this.avg.values()]);
  }
}
