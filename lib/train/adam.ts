/**
 * Adam over a named set of variables, with its state (step, m, v) exposed by the same names so it can be
 * checkpointed and restored exactly.
 */
import * as tf from "@tensorflow/tfjs";

export class Adam {
  t = 0;
  readonly m = new Map<string, tf.Variable>();
  readonly v = new Map<string, tf.Variable>();

  constructor(
    readonly vars: Map<string, tf.Variable>,
    public lr: number,
    readonly beta1 = 0.5,
    readonly beta2 = 0.999,
    readonly eps = 1e-8,
  ) {
    for (const [name, p] of vars) {
      this.m.set(name, tf.variable(tf.zerosLike(p), false));
      this.v.set(name, tf.variable(tf.zerosLike(p), false));
    }
  }

  /** grads by our parameter name; a missing gradient leaves that parameter unchanged */
  apply(grads: Map<string, tf.Tensor>): void {
    this.t++;
    const c1 = 1 - this.beta1 ** this.t;
    const c2 = 1 - this.beta2 ** this.t;
    const stepSize = (this.lr * Math.sqrt(c2)) / c1;
    tf.tidy(() => {
      for (const [name, g] of grads) {
        const p = this.vars.get(name);
        const m = this.m.get(name);
        const v = this.v.get(name);
        if (!p || !m || !v) throw new Error(`Adam: no parameter named ${name}`);
        const m2 = m.mul(this.beta1).add(g.mul(1 - this.beta1));
        const v2 = v.mul(this.beta2).add(g.square().mul(1 - this.beta2));
        m.assign(m2);
        v.assign(v2);
        // p ← p − lr·√(1−β2ᵗ)/(1−β1ᵗ) · m / (√v + ε·√(1−β2ᵗ)), the bias-corrected update
        p.assign(p.sub(m2.mul(stepSize).div(v2.sqrt().add(this.eps * Math.sqrt(c2)))));
      }
    });
  }

  /** m and v as "<name>/m", "<name>/v" */
  stateTensors(): Map<string, tf.Tensor> {
    const out = new Map<string, tf.Tensor>();
    for (const name of this.vars.keys()) {
      out.set(`${name}/m`, this.m.get(name) as tf.Variable);
      out.set(`${name}/v`, this.v.get(name) as tf.Variable);
    }
    return out;
  }

  stateVariables(): Map<string, tf.Variable> {
    return this.stateTensors() as Map<string, tf.Variable>;
  }

  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
  }
}
