/**
 * Running the evaluation networks over many images or captions: uint8 images in, float32 rows out,
 * batched under tf.tidy so nothing is left on the backend.
 */
import * as tf from "@tensorflow/tfjs";
import type { Rng } from "../random";
import type { EvalNets } from "./eval-nets";

const PX = 64 * 64 * 3;

/**
 * Images `indices` of a [N, 64, 64, 3] uint8 buffer → [B, 64, 64, 3] float in [-1, 1].
 * With `shift` > 0 each image is translated by a random (dx, dy) in [−shift, shift], edge pixels repeated.
 */
export function imageBatch(images: Uint8Array, indices: number[], shift = 0, rng?: Rng): tf.Tensor4D {
  const out = new Float32Array(indices.length * PX);
  indices.forEach((idx, b) => {
    const src = idx * PX;
    const dst = b * PX;
    const dx = shift && rng ? rng.int(2 * shift + 1) - shift : 0;
    const dy = shift && rng ? rng.int(2 * shift + 1) - shift : 0;
    for (let y = 0; y < 64; y++) {
      const sy = Math.min(63, Math.max(0, y + dy));
      for (let x = 0; x < 64; x++) {
        const sx = Math.min(63, Math.max(0, x + dx));
        const s = src + (sy * 64 + sx) * 3;
        const d = dst + (y * 64 + x) * 3;
        out[d] = images[s] / 127.5 - 1;
        out[d + 1] = images[s + 1] / 127.5 - 1;
        out[d + 2] = images[s + 2] / 127.5 - 1;
      }
    }
  });
  return tf.tensor4d(out, [indices.length, 64, 64, 3]);
}

export interface EncodedImages {
  count: number;
  /** [n, C] pooled features (Fréchet distance) */
  features: Float32Array;
  /** [n, E] image embeddings (R-precision) */
  embeddings: Float32Array;
  /** [n, K] class logits (Inception-like score) */
  logits: Float32Array;
}

/** Encode every image of a [n, 64, 64, 3] uint8 buffer. */
export function encodeImages(nets: EvalNets, images: Uint8Array, batch = 128): EncodedImages {
  const n = images.length / PX;
  if (!Number.isInteger(n)) throw new Error(`encodeImages: ${images.length} bytes are not [n, 64, 64, 3]`);
  const C = nets.featureDim;
  const E = nets.config.embDim;
  const K = nets.numClasses;
  const out: EncodedImages = {
    count: n,
    features: new Float32Array(n * C),
    embeddings: new Float32Array(n * E),
    logits: new Float32Array(n * K),
  };
  for (let lo = 0; lo < n; lo += batch) {
    const idx = Array.from({ length: Math.min(batch, n - lo) }, (_, i) => lo + i);
    const [f, e, l] = tf.tidy(() => {
      const feat = nets.features(imageBatch(images, idx));
      return [feat.dataSync(), nets.imageEmbedding(feat).dataSync(), nets.classLogits(feat).dataSync()];
    });
    out.features.set(f, lo * C);
    out.embeddings.set(e, lo * E);
    out.logits.set(l, lo * K);
  }
  return out;
}

/** Sentence embeddings [n, T] → text embeddings [n, E]. */
export function encodeTexts(nets: EvalNets, sentences: Float32Array, batch = 1024): Float32Array {
  const T = nets.config.textDim;
  const n = sentences.length / T;
  if (!Number.isInteger(n)) throw new Error(`encodeTexts: ${sentences.length} values are not [n, ${T}]`);
  const out = new Float32Array(n * nets.config.embDim);
  for (let lo = 0; lo < n; lo += batch) {
    const m = Math.min(batch, n - lo);
    const rows = tf.tidy(() =>
      nets.textEmbedding(tf.tensor2d(sentences.subarray(lo * T, (lo + m) * T), [m, T])).dataSync(),
    );
    out.set(rows, lo * nets.config.embDim);
  }
  return out;
}

/** [n, 256, 256, 3] → [n, 64, 64, 3] by 4×4 box averaging (to score Stage-II outputs with 64 px networks). */
export function downscale4x(images: Uint8Array, size: number): Uint8Array {
  const f = size / 64;
  if (!Number.isInteger(f) || f < 1) throw new Error(`downscale4x: size ${size} is not a multiple of 64`);
  const n = images.length / (size * size * 3);
  const out = new Uint8Array(n * PX);
  for (let i = 0; i < n; i++)
    for (let y = 0; y < 64; y++)
      for (let x = 0; x < 64; x++)
        for (let c = 0; c < 3; c++) {
          let acc = 0;
          for (let yy = 0; yy < f; yy++)
            for (let xx = 0; xx < f; xx++)
              acc += images[((i * size + y * f + yy) * size + x * f + xx) * 3 + c];
          out[i * PX + (y * 64 + x) * 3 + c] = Math.round(acc / (f * f));
        }
  return out;
}
