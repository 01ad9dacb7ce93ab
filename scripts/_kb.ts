import * as tf from "@tensorflow/tfjs";
import { initBackend } from "@/lib/tensor";

await initBackend({ force: "wasm" });
const cases = [
  [16, 64, 8, 4, 3, 1],
  [16, 32, 16, 8, 3, 1],
  [64, 32, 128, 64, 3, 1],
  [64, 64, 3, 64, 4, 2],
  [64, 32, 64, 128, 4, 2],
];
for (const [b, h, ci, co, k, s] of cases) {
  const x = tf.randomNormal([b, h, h, ci]) as tf.Tensor4D;
  const f = tf.randomNormal([k, k, ci, co]) as tf.Tensor4D;
  const y = tf.conv2d(x, f, s, "same");
  const dy = tf.randomNormal(y.shape);
  const g = tf.grads((xx: tf.Tensor, ff: tf.Tensor) =>
    tf
      .conv2d(xx as tf.Tensor4D, ff as tf.Tensor4D, s, "same")
      .mul(dy)
      .sum(),
  );
  const time = (fn: () => tf.Tensor) => {
    fn().dispose();
    const t = performance.now();
    for (let i = 0; i < 3; i++) fn().dispose();
    return ((performance.now() - t) / 3).toFixed(1);
  };
  const fwd = time(() => tf.conv2d(x, f, s, "same"));
  const both = time(() => {
    const r = g([x, f]);
    r[0].dispose();
    return r[1];
  });
  console.log(
    `b${b} ${h}x${h} ${ci}->${co} k${k} s${s}: fwd ${fwd}ms  grads(x,f) ${both}ms  gflop fwd ${((2 * b * (h / s) ** 2 * k * k * ci * co) / 1e9).toFixed(2)}`,
  );
}
