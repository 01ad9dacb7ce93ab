import { describe, expect, it } from "vitest";
import { meanSd, type SplitMetrics, summariseRuns } from "@/lib/eval";

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
