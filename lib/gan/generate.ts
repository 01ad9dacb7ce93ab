/**
 * Inference: embeddings + noise (or a seed) → uint8 RGB images. Noise comes from our counter-based Rng,
 * row i from seed mix(seed, i), so "same prompt + seed ⇒ same pixels" and image i does not depend on count.
 */
import * as tf from "@tensorflow/tfjs";
import { mixSeed, Rng } from "../random";
import { type LoadedCheckpoint, loadCheckpoint } from "./checkpoint";
import type { GanModel } from "./model";

export interface Noise {
  z: Float32Array; // [n, zDim]
  eps: Float32Array; // [n, cDim]
}

/** Deterministic noise for `count` images; `truncation` bounds |z| and |ε| (Infinity: plain normals). */
export function noiseFromSeed(
  seed: number,
  count: number,
  zDim: number,
  cDim: number,
  truncation = Infinity,
): Noise {
  const z = new Float32Array(count * zDim);
  const eps = new Float32Array(count * cDim);
  for (let i = 0; i < count; i++) {
    const rng = new Rng(mixSeed(seed, i));
    z.set(rng.truncatedNormals(zDim, truncation), i * zDim);
    eps.set(rng.truncatedNormals(cDim, truncation), i * cDim);
  }
  return { z, eps };
}

export interface GenerateOptions {
  /** [n, embDim] row-major sentence embeddings */
  embeddings: Float32Array;
  /** explicit noise, or derived from seed (default seed 0) */
  noise?: Noise;
  seed?: number;
  truncation?: number;
}

export interface GeneratedImages {
  count: number;
  /** [n, 64, 64, 3] */
  images64: Uint8Array;
  /** [n, 256, 256, 3] when the model has Stage-II */
  images256: Uint8Array | null;
}

/** [-1, 1] floats → uint8 */
export function toUint8(t: tf.Tensor): Uint8Array {
  const f = tf.tidy(() => t.add(1).mul(127.5).round().clipByValue(0, 255).dataSync());
  return Uint8Array.from(f);
}

export function generateImages(model: GanModel, opts: GenerateOptions): GeneratedImages {
  const { embDim, zDim, cDim } = model.config;
  if (opts.embeddings.length % embDim !== 0)
    throw new Error(
      `embeddings length ${opts.embeddings.length} is not a multiple of the model's embDim ${embDim}`,
    );
  const n = opts.embeddings.length / embDim;
  const noise = opts.noise ?? noiseFromSeed(opts.seed ?? 0, n, zDim, cDim, opts.truncation ?? Infinity);
  const [small, large] = tf.tidy(() => {
    const out = model.generate(
      tf.tensor2d(noise.z, [n, zDim]),
      tf.tensor2d(opts.embeddings, [n, embDim]),
      tf.tensor2d(noise.eps, [n, cDim]),
      { training: false },
    );
    return [out.stage1Image, out.image];
  });
  const result = { count: n, images64: toUint8(small), images256: model.g2 ? toUint8(large) : null };
  tf.dispose([small, large]);
  return result;
}

export interface Generator {
  checkpoint: LoadedCheckpoint;
  generate(opts: GenerateOptions): GeneratedImages;
  dispose(): void;
}

/** Load generators from a checkpoint or run folder for inference. */
export async function loadGenerator(checkpointOrRunDir: string): Promise<Generator> {
  const checkpoint = await loadCheckpoint(checkpointOrRunDir);
  return {
    checkpoint,
    generate: (opts) => generateImages(checkpoint.model, opts),
    dispose: () => checkpoint.model.dispose(),
  };
}
