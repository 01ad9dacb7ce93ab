import { describe, expect, it } from "vitest";
import {
  classAvoidingPermutation,
  frechetDistance,
  gaussianFit,
  inceptionScore,
  jointFeatures,
  jointFit,
  makeRPrecisionTrials,
  rPrecision,
  seedDiversity,
  softmaxRows,
  symmetricEigen,
  symmetricSqrt,
} from "@/lib/eval";
import { Rng } from "@/lib/gan";

/** [n, d] standard normals scaled per column by `scales` and shifted by `shift` */
function sample(n: number, d: number, seed: number, scales?: number[], shift?: number[]): Float64Array {
  const rng = new Rng(seed);
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++) out[i * d + j] = rng.normal() * (scales?.[j] ?? 1) + (shift?.[j] ?? 0);
  return out;
}

function randomSpd(n: number, seed: number): Float64Array {
  const x = sample(n + 5, n, seed);
  return gaussianFit(x, n).cov;
}

describe("symmetricEigen", () => {
  it("finds the analytic eigenvalues of a 2×2 matrix", () => {
    // [[2, 1], [1, 2]] has eigenvalues 1 and 3
    const { values, vectors } = symmetricEigen([2, 1, 1, 2], 2);
    expect([...values].sort()).toEqual([expect.closeTo(1, 12), expect.closeTo(3, 12)]);
    const v = vectors as Float64Array;
    for (let j = 0; j < 2; j++) {
      const lam = values[j];
      // A v = λ v for column j
      expect(2 * v[j] + 1 * v[2 + j]).toBeCloseTo(lam * v[j], 12);
      expect(1 * v[j] + 2 * v[2 + j]).toBeCloseTo(lam * v[2 + j], 12);
    }
  });

  it("reconstructs a random 40×40 SPD matrix as V Λ Vᵀ with orthonormal V", () => {
    const n = 40;
    const a = randomSpd(n, 3);
    const { values, vectors } = symmetricEigen(a, n);
    const V = vectors as Float64Array;
    let maxErr = 0;
    let maxOrtho = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let rec = 0;
        let dot = 0;
        for (let k = 0; k < n; k++) {
          rec += V[i * n + k] * values[k] * V[j * n + k];
          dot += V[k * n + i] * V[k * n + j];
        }
        maxErr = Math.max(maxErr, Math.abs(rec - a[i * n + j]));
        maxOrtho = Math.max(maxOrtho, Math.abs(dot - (i === j ? 1 : 0)));
      }
    expect(maxErr).toBeLessThan(1e-10);
    expect(maxOrtho).toBeLessThan(1e-10);
  });

  it("symmetricSqrt squares back to the matrix", () => {
    const n = 30;
    const a = randomSpd(n, 5);
    const r = symmetricSqrt(a, n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += r[i * n + k] * r[k * n + j];
        expect(s).toBeCloseTo(a[i * n + j], 9);
      }
  });
});

describe("frechetDistance", () => {
  it("is ≈ 0 for identical sets", () => {
    const x = sample(
      300,
      64,
      1,
      Array.from({ length: 64 }, (_, j) => 0.5 + j / 32),
    );
    const fit = gaussianFit(x, 64);
    const trace = fit.cov.reduce((acc, _, i) => (i % 65 === 0 ? acc + fit.cov[i] : acc), 0);
    expect(frechetDistance(fit, gaussianFit(x, 64))).toBeLessThan(1e-8 * trace);
  });

  it("is |v|² for a set and its translate by v", () => {
    const d = 16;
    const x = sample(200, d, 2);
    const v = Array.from({ length: d }, (_, j) => (j % 3) - 1 + 0.25);
    const y = x.map((val, i) => val + v[i % d]);
    const expected = v.reduce((a, b) => a + b * b, 0);
    expect(frechetDistance(gaussianFit(x, d), gaussianFit(y, d))).toBeCloseTo(expected, 8);
  });

  it("matches the closed form Σ(μ₁−μ₂)² + Σ(σ₁−σ₂)² for diagonal Gaussians", () => {
    const d = 3;
    const a = { dim: d, count: 2, mean: Float64Array.from([0, 1, 2]), cov: new Float64Array(9) };
    const b = { dim: d, count: 2, mean: Float64Array.from([1, 1, 0]), cov: new Float64Array(9) };
    [1, 4, 9].forEach((v, i) => {
      a.cov[i * 4] = v;
    });
    [4, 4, 1].forEach((v, i) => {
      b.cov[i * 4] = v;
    });
    // means: 1 + 0 + 4 = 5; σ: (1−2)² + (2−2)² + (3−1)² = 5
    expect(frechetDistance(a, b)).toBeCloseTo(10, 10);
    expect(frechetDistance(b, a)).toBeCloseTo(10, 10);
  });

  it("grows with the gap between two samples of different distributions", () => {
    const d = 8;
    const base = gaussianFit(sample(400, d, 7), d);
    const near = gaussianFit(sample(400, d, 8, undefined, Array(d).fill(0.2)), d);
    const far = gaussianFit(sample(400, d, 9, Array(d).fill(2), Array(d).fill(1)), d);
    expect(frechetDistance(base, near)).toBeLessThan(frechetDistance(base, far));
  });
});

describe("image–text Fréchet distance (jointFit)", () => {
  const d = 8;
  const n = 400;
  // images whose embedding follows their caption's: image i = text i + a little noise
  const texts = Float32Array.from(sample(n, d, 21));
  const noise = sample(n, d, 22);
  const images = texts.map((t, j) => t + 0.2 * noise[j]);
  const matched = Array.from({ length: n }, (_, i) => ({ image: i, text: i }));

  it("puts each pair's normalised image and text embeddings side by side", () => {
    const f = jointFeatures(images, texts, d, [{ image: 3, text: 5 }]);
    expect(f).toHaveLength(2 * d);
    const norm = (xs: Float32Array) => Math.hypot(...xs);
    expect(norm(f.subarray(0, d))).toBeCloseTo(1, 5);
    expect(norm(f.subarray(d))).toBeCloseTo(1, 5);
    const t5 = texts.subarray(5 * d, 6 * d);
    expect(f[d] / f[d + 1]).toBeCloseTo(t5[0] / t5[1], 4);
    expect(() => jointFeatures(images, texts, d, [{ image: n, text: 0 }])).toThrow(/outside 400 images/);
  });

  it("is ≈ 0 for identical pair sets and small for two samples of matched pairs", () => {
    const fit = jointFit(images, texts, d, matched);
    expect(frechetDistance(fit, fit)).toBeLessThan(1e-6);
    const half = (from: number) => matched.slice(from, from + n / 2);
    const two = frechetDistance(jointFit(images, texts, d, half(0)), jointFit(images, texts, d, half(n / 2)));
    expect(two).toBeLessThan(0.2);
  });

  it("sees shuffled captions that the image-only distance cannot: the same images, paired wrongly, are far", () => {
    const reference = jointFit(images, texts, d, matched);
    const shuffle = Array.from({ length: n }, (_, i) => ({ image: i, text: (i + 17) % n }));
    const shuffled = frechetDistance(jointFit(images, texts, d, shuffle), reference);
    const imageOnly = frechetDistance(gaussianFit(images, d), gaussianFit(images, d));
    expect(imageOnly).toBeLessThan(1e-6); // the same images: nothing for FID to see
    // identical halves (Σ = S ⊗ [[1,1],[1,1]], S = I/d) against independent ones (I/d): 4 − 2√2 ≈ 1.17; the noise
    // leaves a correlation of about 0.98
    expect(shuffled).toBeGreaterThan(0.8);
    // half the pairs right: in between
    const halfRight = frechetDistance(
      jointFit(
        images,
        texts,
        d,
        matched.map((p, i) => (i % 2 ? shuffle[i] : p)),
      ),
      reference,
    );
    expect(halfRight).toBeGreaterThan(0.1);
    expect(halfRight).toBeLessThan(shuffled);
  });
});

describe("rPrecision", () => {
  const d = 32;
  const nCaptions = 400;
  const captions = sample(nCaptions, d, 11);
  const classes = Array.from({ length: nCaptions }, (_, i) => `c${i % 50}`);
  const items = Array.from({ length: 300 }, (_, i) => i);
  const pool = { rows: classes.map((_, i) => i), classes };
  const trials = makeRPrecisionTrials(
    items,
    items.map((i) => classes[i]),
    pool,
    { k: 99, seed: 1 },
  );

  it("draws k mismatched captions of other classes, deterministically by seed", () => {
    expect(trials).toHaveLength(300);
    for (const t of trials) {
      expect(t.candidates).toHaveLength(100);
      expect(t.candidates[0]).toBe(t.image);
      for (const c of t.candidates.slice(1)) expect(classes[c]).not.toBe(classes[t.image]);
    }
    const again = makeRPrecisionTrials(
      items,
      items.map((i) => classes[i]),
      pool,
      { k: 99, seed: 1 },
    );
    expect(again).toEqual(trials);
  });

  it("is 1 for a perfect matcher and 0 for an anti-matcher", () => {
    const images = captions.slice(0, 300 * d);
    expect(rPrecision(images, captions, d, trials).rPrecision).toBe(1);
    expect(
      rPrecision(
        images.map((v) => -v),
        captions,
        d,
        trials,
      ).rPrecision,
    ).toBe(0);
  });

  it("is at chance (1/100) for images unrelated to their captions", () => {
    // many trials so the binomial noise is small: sd = √(0.01·0.99/3000) ≈ 0.0018
    const many = Array.from({ length: 10 }, (_, r) =>
      trials.map((t) => ({ ...t, image: t.image + r * 300 })),
    ).flat();
    const images = sample(3000, d, 99);
    const res = rPrecision(images, captions, d, many);
    expect(res.chance).toBeCloseTo(0.01, 12);
    expect(res.rPrecision).toBeGreaterThan(0.003);
    expect(res.rPrecision).toBeLessThan(0.018);
  });

  it("counts ties as a fraction of a hit (all-equal embeddings give exactly chance)", () => {
    const same = new Float64Array(nCaptions * d).fill(1);
    expect(rPrecision(same.subarray(0, 300 * d), same, d, trials).rPrecision).toBeCloseTo(0.01, 12);
  });
});

describe("inceptionScore", () => {
  const k = 10;
  it("is 1 when every image gets the same distribution", () => {
    const probs = new Float64Array(50 * k).fill(1 / k);
    expect(inceptionScore(probs, k).mean).toBeCloseTo(1, 12);
    const sameClass = new Float64Array(50 * k);
    for (let i = 0; i < 50; i++) sameClass[i * k + 3] = 1;
    expect(inceptionScore(sameClass, k).mean).toBeCloseTo(1, 12);
  });

  it("is K for confident predictions spread evenly over K classes", () => {
    const probs = new Float64Array(50 * k);
    for (let i = 0; i < 50; i++) probs[i * k + (i % k)] = 1;
    expect(inceptionScore(probs, k).mean).toBeCloseTo(k, 10);
    const split = inceptionScore(probs, k, 5);
    expect(split.mean).toBeCloseTo(k, 10);
    expect(split.std).toBeCloseTo(0, 10);
  });

  it("softmaxRows gives rows summing to 1, stable for large logits", () => {
    const p = softmaxRows([1000, 1000, 0, 1, 2, 3], 3);
    expect(p[0]).toBeCloseTo(0.5, 12);
    expect(p[3] + p[4] + p[5]).toBeCloseTo(1, 12);
  });
});

describe("classAvoidingPermutation", () => {
  it("is a permutation that changes the class of every item when possible", () => {
    const cls = Array.from({ length: 101 }, (_, i) => `c${i % 7}`);
    const p = classAvoidingPermutation(cls, new Rng(4));
    expect([...p].sort((a, b) => a - b)).toEqual(cls.map((_, i) => i));
    expect(p.filter((j, i) => cls[j] === cls[i])).toHaveLength(0);
  });
});

describe("seedDiversity", () => {
  const d = 6;
  const first = Float32Array.from(sample(40, d, 11));
  it("is 0 when every noise draw gives the same picture", () => {
    const r = seedDiversity(first, first.slice(), d);
    expect(r.sameCaption).toBeCloseTo(0, 6);
    expect(r.ratio).toBeCloseTo(0, 6);
    expect(r.differentCaption).toBeGreaterThan(0.5);
  });
  it("is 1 when a new draw changes the picture exactly as much as a new caption", () => {
    // the second draw of caption i is the first draw of caption i + 1
    const second = new Float32Array(first.length);
    for (let i = 0; i < 40; i++) {
      const j = (i + 1) % 40;
      second.set(first.subarray(j * d, (j + 1) * d), i * d);
    }
    expect(seedDiversity(first, second, d).ratio).toBeCloseTo(1, 6);
  });
  it("grows with the noise's effect and ignores scale", () => {
    const rng = new Rng(3);
    const near = first.map((x) => x + 0.1 * rng.normal());
    const far = first.map((x) => x + 1 * rng.normal());
    const a = seedDiversity(first, near, d).ratio;
    const b = seedDiversity(first, far, d).ratio;
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(a * 5);
    expect(
      seedDiversity(
        first.map((x) => x * 7),
        near.map((x) => x * 7),
        d,
      ).ratio,
    ).toBeCloseTo(a, 5);
  });
  it("refuses sets of different sizes", () => {
    expect(() => seedDiversity(first, first.subarray(0, d * 10), d)).toThrow(/same n ≥ 2/);
  });
});
