/**
 * Differentiable augmentation (DiffAugment, Zhao et al. 2020): every image the discriminator sees, real or
 * generated, first goes through the same kind of random colour, translation and cutout transforms, and the
 * generator's gradient flows back through them. With a few thousand training images the discriminator
 * otherwise memorises the real set (its real loss falls to ~0.002 on the emoji run) and stops teaching the
 * generator; augmenting both sides keeps it honest without leaking augmentations into the generated images.
 *
 * The random numbers come with the batch (Batcher, `aug`: AUG_PER_IMAGE uniforms per image, a pure function
 * of (seed, step)), so resumed and data-parallel runs augment exactly like an uninterrupted single process.
 * Images are NHWC in [-1, 1].
 */
import * as tf from "@tensorflow/tfjs";

export const AUG_POLICIES = ["color", "translation", "cutout"] as const;
export type AugPolicy = (typeof AUG_POLICIES)[number];

/** uniforms per image and use: brightness, saturation, contrast, shift x, shift y, cutout x, cutout y */
const PER_USE = 7;
/** two uses per image: the real image, and the generated one */
export const AUG_PER_IMAGE = 2 * PER_USE;
export type AugUse = "real" | "fake";

/** the fraction of the side an image may shift by, and the side of the cut-out square (as DiffAugment) */
const SHIFT_RATIO = 1 / 8;
const CUTOUT_RATIO = 1 / 2;

/** out[b, i, j] = x[b, i − dy[b], j − dx[b]], or 0 outside x: one gather over the batch (plus a zero row) */
function shiftByGather(x: tf.Tensor4D, dy: Int32Array, dx: Int32Array): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  const zero = b * h * w; // index of the appended zero row
  const idx = new Int32Array(b * h * w);
  for (let n = 0; n < b; n++)
    for (let i = 0; i < h; i++)
      for (let j = 0; j < w; j++) {
        const si = i - dy[n];
        const sj = j - dx[n];
        idx[(n * h + i) * w + j] = si >= 0 && si < h && sj >= 0 && sj < w ? (n * h + si) * w + sj : zero;
      }
  return tf.tidy(() => {
    const rows = tf.concat([x.reshape([b * h * w, c]), tf.zeros([1, c])], 0);
    return tf.gather(rows, tf.tensor1d(idx, "int32")).reshape([b, h, w, c]) as tf.Tensor4D;
  });
}

/**
 * Zero-filled per-image shift with its exact gradient: the adjoint of a shift by (dy, dx) is the shift by
 * (−dy, −dx). (The wasm backend has no kernel for a gather's own gradient, and per-image slices cost a
 * full-batch tensor each backward.)
 */
function translate(x: tf.Tensor4D, dy: Int32Array, dx: Int32Array): tf.Tensor4D {
  const neg = (a: Int32Array) => a.map((v) => -v);
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    return {
      value: shiftByGather(args[0] as tf.Tensor4D, dy, dx),
      gradFunc: (g: tf.Tensor) => shiftByGather(g as tf.Tensor4D, neg(dy), neg(dx)),
    };
  });
  return op(x) as tf.Tensor4D;
}

/**
 * Augment x [B,S,S,3] with `policies`, using row b of `u` (B × AUG_PER_IMAGE uniforms in [0, 1)) for image b;
 * `use` picks which half of each row. With no policies, x itself is returned.
 */
export function diffAugment(
  x: tf.Tensor4D,
  u: Float32Array,
  use: AugUse,
  policies: readonly AugPolicy[],
): tf.Tensor4D {
  if (policies.length === 0) return x;
  const [b, s] = x.shape;
  if (u.length < b * AUG_PER_IMAGE)
    throw new Error(`diffAugment: ${u.length} uniforms for ${b} images, need ${b * AUG_PER_IMAGE}`);
  const at = (i: number, k: number) => u[i * AUG_PER_IMAGE + (use === "real" ? 0 : PER_USE) + k];
  const column = (k: number, f: (v: number) => number) =>
    tf.tensor4d(
      Float32Array.from({ length: b }, (_, i) => f(at(i, k))),
      [b, 1, 1, 1],
    );
  return tf.tidy(() => {
    let y = x;
    if (policies.includes("color")) {
      y = y.add(column(0, (v) => v - 0.5));
      const gray = y.mean(3, true);
      y = y
        .sub(gray)
        .mul(column(1, (v) => v * 2))
        .add(gray);
      const mean = y.mean([1, 2, 3], true);
      y = y
        .sub(mean)
        .mul(column(2, (v) => v + 0.5))
        .add(mean);
    }
    if (policies.includes("translation")) {
      // shift each image by whole pixels in [-r, r], filling with zeros
      const r = Math.max(1, Math.round(s * SHIFT_RATIO));
      const shift = (v: number) => r - Math.min(2 * r, Math.floor(v * (2 * r + 1)));
      const dy = Int32Array.from({ length: b }, (_, i) => shift(at(i, 4)));
      const dx = Int32Array.from({ length: b }, (_, i) => shift(at(i, 3)));
      y = translate(y, dy, dx);
    }
    if (policies.includes("cutout")) {
      // zero a square of side s/2 centred anywhere (it may stick out of the image)
      const side = Math.round(s * CUTOUT_RATIO);
      const mask = new Float32Array(b * s * s).fill(1);
      for (let i = 0; i < b; i++) {
        const cy = Math.floor(at(i, 6) * (s + 1 - (side % 2)));
        const cx = Math.floor(at(i, 5) * (s + 1 - (side % 2)));
        for (let py = Math.max(0, cy - side / 2); py < Math.min(s, cy + side / 2); py++)
          for (let px = Math.max(0, cx - side / 2); px < Math.min(s, cx + side / 2); px++)
            mask[(i * s + py) * s + px] = 0;
      }
      y = y.mul(tf.tensor4d(mask, [b, s, s, 1]));
    }
    return y;
  });
}
