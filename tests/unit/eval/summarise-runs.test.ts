import { describe, expect, it } from "vitest";
import { meanSd, type SplitMetrics, summariseEval, summariseRuns } from "@/lib/eval";
import { metricsTable } from "@/lib/server/dal/promote";

const split = (rp: number, fd: number | null): SplitMetrics => {
  const c = { count: 4, rPrecision: rp, frechet: fd, inceptionLike: 2, classAccuracy: null };
  return {
    split: "val",
    items: 4,
    referenceImages: 4,
    mismatched: 99,
    chance: 0.01,
    classesKnown: false,
    real: c,
    generated: { ...c, rPrecision: rp / 2 },
    shuffled: null,
  };
};

describe("summariseRuns", () => {
  it("gives the mean and sample sd of every metric present in all runs", () => {
    expect(meanSd([1, 3])).toEqual({ mean: 2, sd: Math.SQRT2, runs: 2 });
    expect(meanSd([5]).sd).toBe(0);
    const s = summariseRuns([{ val: split(0.2, 10) }, { val: split(0.4, 14) }, { val: split(0.6, null) }]);
    expect(s.val.real?.rPrecision?.mean).toBeCloseTo(0.4, 12);
    expect(s.val.real?.rPrecision?.sd).toBeCloseTo(0.2, 12);
    expect(s.val.generated?.rPrecision?.mean).toBeCloseTo(0.2, 12);
    expect(s.val.real?.inceptionLike).toEqual({ mean: 2, sd: 0, runs: 3 });
    // null in one run (or in all: classAccuracy) → left out; a missing condition → no row
    expect(s.val.real?.frechet).toBeUndefined();
    expect(s.val.real?.classAccuracy).toBeUndefined();
    expect(s.val.shuffled).toBeUndefined();
  });
});

describe("summariseEval and the model card's table", () => {
  it("records the protocol (captions per image, truncation) and the card names it (older summaries: 1, untruncated)", () => {
    const info = { n: 500, seed: 0, evalNets: "v001", seconds: 1 };
    const four = summariseEval({ val: split(0.5, 12) }, { ...info, captionsPerImage: 4, truncation: 1 });
    expect(four.captionsPerImage).toBe(4);
    expect(four.truncation).toBe(1);
    expect(four.splits.val.generated.rPrecision).toBe(0.25);
    expect(metricsTable(four)).toMatch(
      /500 images per split, each image scored with 4 of its captions, noise truncated at 1, seed 0/,
    );
    const { captionsPerImage: _, truncation: __, ...old } = four;
    expect(metricsTable(old)).toMatch(/500 images per split, untruncated noise, seed 0\)/);
    // no near-class figures in this summary (as in those recorded before them): dashes in their columns
    expect(metricsTable(old)).toMatch(/\| val \| 25\.0% \| 50\.0% \| — \| — \| — \| 12\.0 \| 12\.0 \|/);
  });

  it("carries the near-class R-precision and its chance into the summary, the card and the seed summary", () => {
    const near = (rp: number): SplitMetrics => {
      const m = split(rp, 12);
      return {
        ...m,
        nearClasses: 16,
        nearChance: 1 / 17,
        real: { ...m.real, rPrecisionNear: 0.4 },
        generated: { ...(m.generated as NonNullable<SplitMetrics["generated"]>), rPrecisionNear: rp / 4 },
        shuffled: { ...m.real, rPrecision: 0.01, rPrecisionNear: 0.02, frechet: null, inceptionLike: null },
      };
    };
    const sum = summariseEval({ val: near(0.8) }, { n: 500, seed: 0, evalNets: "v001", seconds: 1 });
    expect(sum.splits.val.nearChance).toBeCloseTo(1 / 17, 12);
    expect(sum.splits.val.real.rPrecisionNear).toBe(0.4);
    expect(sum.splits.val.generated.rPrecisionNear).toBe(0.2);
    expect(sum.splits.val.shuffled?.rPrecisionNear).toBe(0.02);
    expect(metricsTable(sum)).toMatch(
      /\| val \| 40\.0% \| 80\.0% \| 1\.0% \| 20\.0% \| 40\.0% \| 12\.0 \| 12\.0 \|/,
    );
    expect(metricsTable(sum)).toContain("| near-class R-precision generated | real |");
    const runs = summariseRuns([{ val: near(0.8) }, { val: near(0.4) }]);
    expect(runs.val.generated?.rPrecisionNear?.mean).toBeCloseTo(0.15, 12);
    expect(runs.val.real?.rPrecisionNear).toEqual({ mean: 0.4, sd: 0, runs: 2 });
  });
});
