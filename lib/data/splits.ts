import type { DatasetRecord, Split } from "./dataset-format";
import { hash32 } from "./seeded-hash";

export interface SplitItem {
  id: string;
  class: string;
  /** a split the source layout already fixes (CUB/Oxford class split, COCO val) */
  split?: Split;
  /** stratum for the class-disjoint test split (emoji group), so every kind of picture is in the test set */
  group?: string;
}

export interface SplitOptions {
  seed: number;
  /** fraction of classes held out as never-seen test classes (CUB uses 50 of 200) */
  testClassFraction: number;
  /** fraction of the training classes' images kept for within-class validation */
  valFraction: number;
  /**
   * classes never held out for the test split (the ones a product's example prompts name): the next class of the
   * stratum in seeded order takes the place, so the test split keeps its size
   */
  keepInTraining?: ReadonlySet<string>;
}

export const DEFAULT_SPLIT_OPTIONS: SplitOptions = { seed: 0, testClassFraction: 0.2, valFraction: 0.05 };

/**
 * Assign train/val/test, deterministically from the seed and independent of item order:
 * - test: the predefined split if the source has one, else ~testClassFraction of the classes (per stratum), so test
 *   classes are never seen in training; with fewer than 5 classes a plain image-level holdout instead;
 * - val: ~valFraction of the remaining images, never a class's last training image (within-class validation).
 */
export function assignSplits(
  items: readonly SplitItem[],
  opts: SplitOptions = DEFAULT_SPLIT_OPTIONS,
): Split[] {
  const out: Split[] = items.map(() => "train");
  const predefined = items.some((it) => it.split !== undefined);
  const classes = [...new Set(items.map((it) => it.class))];
  if (predefined) {
    items.forEach((it, i) => {
      if (it.split === "test" || it.split === "val") out[i] = it.split;
    });
  } else if (classes.length >= 5) {
    const strata = new Map<string, string[]>();
    const groupOf = new Map(items.map((it) => [it.class, it.group ?? ""]));
    for (const c of classes) {
      const g = groupOf.get(c) ?? "";
      strata.set(g, [...(strata.get(g) ?? []), c]);
    }
    const testClasses = new Set<string>();
    for (const list of strata.values()) {
      const n = Math.round(list.length * opts.testClassFraction);
      const ordered = list
        .filter((c) => !opts.keepInTraining?.has(c))
        .sort((a, b) => hash32(a, opts.seed) - hash32(b, opts.seed) || (a < b ? -1 : 1));
      for (const c of ordered.slice(0, n)) testClasses.add(c);
    }
    items.forEach((it, i) => {
      if (testClasses.has(it.class)) out[i] = "test";
    });
  } else {
    items.forEach((it, i) => {
      if (hash32(`test/${it.id}`, opts.seed) / 2 ** 32 < opts.testClassFraction) out[i] = "test";
    });
  }
  // within-class validation: per class, in seeded order, never taking the last training image
  const byClass = new Map<string, number[]>();
  items.forEach((it, i) => {
    if (out[i] === "train") byClass.set(it.class, [...(byClass.get(it.class) ?? []), i]);
  });
  for (const idx of byClass.values()) {
    let left = idx.length;
    const ordered = [...idx].sort(
      (a, b) => hash32(`val/${items[a].id}`, opts.seed) - hash32(`val/${items[b].id}`, opts.seed),
    );
    for (const i of ordered) {
      if (left <= 1) break;
      if (hash32(`val/${items[i].id}`, opts.seed) / 2 ** 32 < opts.valFraction) {
        out[i] = "val";
        left--;
      }
    }
  }
  return out;
}

export function countSplits(splits: readonly Split[]): { train: number; val: number; test: number } {
  const c = { train: 0, val: 0, test: 0 };
  for (const s of splits) c[s]++;
  return c;
}

/** indices of the records in `split`, in dataset order */
export function splitRecordIndices(records: readonly Pick<DatasetRecord, "split">[], split: Split): number[] {
  return records.flatMap((r, i) => (r.split === split ? [i] : []));
}
