/**
 * Per-image noise. Image i of a request with seed S has its own seed S + i, so every image is reproducible on its
 * own (prompt + its seed + model version ⇒ the same pixels) whatever the count it was made with.
 */
import { noiseFromSeed } from "../gan";

export interface ImageNoise {
  z: Float32Array;
  eps: Float32Array;
}

export function imageNoise(seed: number, zDim: number, cDim: number, truncation: number): ImageNoise {
  return noiseFromSeed(seed, 1, zDim, cDim, truncation);
}

/**
 * "More like this": the base image's noise moved a little toward fresh noise from `seed`, with the variance
 * kept: (1−s)·a + s·b scaled by 1/√((1−s)² + s²).
 */
export function variationNoise(
  baseSeed: number,
  seed: number,
  strength: number,
  zDim: number,
  cDim: number,
  truncation: number,
): ImageNoise {
  const a = imageNoise(baseSeed, zDim, cDim, truncation);
  const b = imageNoise(seed, zDim, cDim, truncation);
  const s = strength;
  const k = 1 / Math.sqrt((1 - s) ** 2 + s ** 2);
  const mix = (x: Float32Array, y: Float32Array) => x.map((v, i) => ((1 - s) * v + s * y[i]) * k);
  return { z: mix(a.z, b.z), eps: mix(a.eps, b.eps) };
}
