/**
 * Image–text Fréchet distance: FID's formula on (image, caption) pairs, as the Fréchet Joint Distance of DeVries et al.
 * (2019). Each pair is its image's eval embedding beside its caption's eval embedding, both L2-normalised so that
 * neither half outweighs the other. Unlike the image-only Fréchet distance it sees whether images go with their
 * captions: the cross-covariance between the halves is part of the fit, so images that are realistic but drawn for
 * other captions (the shuffled-caption floor) are far from real pairs, while the image-only distance cannot tell.
 */
import { type GaussianFit, gaussianFit } from "./frechet-distance";
import { normaliseRows } from "./r-precision";

/** One pair: row `image` of the image embeddings with row `text` of the text embeddings. */
export interface JointPair {
  image: number;
  text: number;
}

/** [pairs, 2·dim]: each pair's normalised image embedding, then its normalised text embedding. */
export function jointFeatures(
  images: Float32Array,
  texts: Float32Array,
  dim: number,
  pairs: readonly JointPair[],
): Float32Array {
  const nImages = images.length / dim;
  const nTexts = texts.length / dim;
  const img = normaliseRows(images, dim);
  const txt = normaliseRows(texts, dim);
  const out = new Float32Array(pairs.length * 2 * dim);
  pairs.forEach((p, i) => {
    if (p.image < 0 || p.image >= nImages || p.text < 0 || p.text >= nTexts)
      throw new Error(
        `jointFeatures: pair ${i} (${p.image}, ${p.text}) is outside ${nImages} images, ${nTexts} texts`,
      );
    out.set(img.subarray(p.image * dim, (p.image + 1) * dim), i * 2 * dim);
    out.set(txt.subarray(p.text * dim, (p.text + 1) * dim), i * 2 * dim + dim);
  });
  return out;
}

/** The Gaussian fit of the pairs' joint features (for frechetDistance). */
export function jointFit(
  images: Float32Array,
  texts: Float32Array,
  dim: number,
  pairs: readonly JointPair[],
): GaussianFit {
  return gaussianFit(jointFeatures(images, texts, dim, pairs), 2 * dim);
}
