/**
 * Mean ± standard deviation of each metric over evaluation runs with different seeds (different captions, mismatched
 * captions, noise and reference images), to show how much of a difference between two models is noise.
 */
import type { ConditionMetrics, SplitMetrics } from "./evaluate-split";

export interface MeanSd {
  mean: number;
  /** sample standard deviation (n − 1); 0 for one run */
  sd: number;
  runs: number;
}

type Condition = "real" | "generated" | "shuffled";
type Metric =
  | "rPrecision"
  | "rPrecisionNear"
  | "frechet"
  | "jointFrechet"
  | "inceptionLike"
  | "classAccuracy"
  | "seedDiversity";
export type RunSummary = Record<string, Partial<Record<Condition, Partial<Record<Metric, MeanSd>>>>>;

const CONDITIONS: Condition[] = ["real", "generated", "shuffled"];
const METRICS: Metric[] = [
  "rPrecision",
  "rPrecisionNear",
  "frechet",
  "jointFrechet",
  "inceptionLike",
  "classAccuracy",
  "seedDiversity",
];

export function meanSd(xs: number[]): MeanSd {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return { mean, sd, runs: xs.length };
}

/** runs[i] is one seed's metrics by split name. Metrics that are null in any run are left out. */
export function summariseRuns(runs: Record<string, SplitMetrics>[]): RunSummary {
  const out: RunSummary = {};
  for (const split of Object.keys(runs[0] ?? {})) {
    out[split] = {};
    for (const cond of CONDITIONS) {
      const values = runs.map((r) => r[split]?.[cond] as ConditionMetrics | null | undefined);
      if (values.some((v) => !v)) continue;
      const row: Partial<Record<Metric, MeanSd>> = {};
      for (const metric of METRICS) {
        const xs = values.map((v) => (v as ConditionMetrics)[metric]);
        if (xs.every((x): x is number => typeof x === "number")) row[metric] = meanSd(xs);
      }
      out[split][cond] = row;
    }
  }
  return out;
}
