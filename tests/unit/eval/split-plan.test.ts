import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type LoadedDataset,
  loadDataset,
  nearestClassRecords,
  writeSyntheticShapesDataset,
} from "@/lib/data";
import { type EvalReport, formatEvalReport, NEAR_CLASSES, planSplit } from "@/lib/eval";

describe("planSplit", () => {
  let ds: LoadedDataset;
  beforeAll(async () => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), "ganvas-eval-plan-")), "shapes");
    await writeSyntheticShapesDataset(dir, { count: 120, dim: 8 });
    ds = await loadDataset(dir);
  });

  it("takes disjoint caption items and reference images from the split, deterministically by seed", () => {
    const plan = planSplit(ds, "train", { n: 30, seed: 3 });
    expect(plan.items).toHaveLength(30);
    const items = new Set(plan.items.map((it) => it.record));
    expect(items.size).toBe(30);
    expect(plan.reference.some((r) => items.has(r))).toBe(false);
    expect(plan.items.length + plan.reference.length).toBe(
      ds.records.filter((r) => r.split === "train").length,
    );
    for (const it of plan.items) {
      const rec = ds.records[it.record];
      expect(rec.split).toBe("train");
      expect(rec.captions[it.captionRow - rec.embeddingOffset]).toBe(it.caption);
    }
    expect(planSplit(ds, "train", { n: 30, seed: 3 })).toEqual(plan);
    expect(planSplit(ds, "train", { n: 30, seed: 4 }).items).not.toEqual(plan.items);
  });

  it("with K captions per image scores each item image K times with distinct captions, neighbours differing", () => {
    const one = planSplit(ds, "train", { n: 20, seed: 5 });
    expect(planSplit(ds, "train", { n: 20, seed: 5, captionsPerImage: 1 })).toEqual(one);
    const plan = planSplit(ds, "train", { n: 20, seed: 5, captionsPerImage: 3 });
    expect(plan.items).toHaveLength(60);
    expect(plan.captionsPerImage).toBe(3);
    expect(plan.trials).toHaveLength(60);
    expect(plan.shuffle).toHaveLength(60);
    // the same images (and Fréchet reference) as K = 1, each with up to 3 distinct captions
    expect(new Set(plan.items.map((it) => it.record))).toEqual(new Set(one.items.map((it) => it.record)));
    expect(plan.reference).toEqual(one.reference);
    const byRecord = new Map<number, number[]>();
    for (const it of plan.items) byRecord.set(it.record, [...(byRecord.get(it.record) ?? []), it.captionRow]);
    for (const [record, rows] of byRecord) {
      expect(rows).toHaveLength(3);
      expect(new Set(rows).size).toBe(Math.min(3, ds.records[record].captions.length));
    }
    for (let i = 0; i + 1 < plan.items.length; i++)
      expect(plan.items[i + 1].record).not.toBe(plan.items[i].record);
    expect(plan.trials.map((t) => t.candidates[0])).toEqual(plan.items.map((it) => it.captionRow));
    expect(() => planSplit(ds, "train", { captionsPerImage: 0 })).toThrow(/whole number ≥ 1/);
  });

  it("gives each reference image K of its own captions, chosen as the items' are, without changing the items", () => {
    const one = planSplit(ds, "train", { n: 20, seed: 5 });
    const plan = planSplit(ds, "train", { n: 20, seed: 5, captionsPerImage: 3 });
    expect(one.referenceCaptionRows).toHaveLength(one.reference.length);
    expect(plan.referenceCaptionRows).toHaveLength(3 * plan.reference.length);
    const firsts = new Set<number>();
    plan.reference.forEach((record, i) => {
      const rec = ds.records[record];
      const rows = plan.referenceCaptionRows.slice(3 * i, 3 * i + 3);
      for (const row of rows) {
        expect(row).toBeGreaterThanOrEqual(rec.embeddingOffset);
        expect(row).toBeLessThan(rec.embeddingOffset + rec.captions.length);
      }
      expect(new Set(rows).size).toBe(Math.min(3, rec.captions.length));
      firsts.add(rows[0] - rec.embeddingOffset);
    });
    // a random order, not always the image's first captions
    expect(firsts.size).toBeGreaterThan(1);
    expect(planSplit(ds, "train", { n: 20, seed: 6, captionsPerImage: 3 }).referenceCaptionRows).not.toEqual(
      plan.referenceCaptionRows,
    );
  });

  it("near-class trials rank the true caption against one caption of each of the split's nearest classes", async () => {
    const plan = planSplit(ds, "train", { n: 30, seed: 3, captionsPerImage: 2 });
    const train = ds.records.flatMap((r, i) => (r.split === "train" ? [i] : []));
    const classes = new Set(train.map((i) => ds.records[i].class));
    const k = Math.min(NEAR_CLASSES, classes.size - 1);
    const near = nearestClassRecords(ds, train, k);
    const classOfRow = (row: number) =>
      ds.records.find((r) => row >= r.embeddingOffset && row < r.embeddingOffset + r.captions.length)?.class;
    expect(plan.nearTrials).toHaveLength(plan.items.length);
    plan.nearTrials.forEach((t, i) => {
      expect(t.image).toBe(i);
      expect(t.candidates[0]).toBe(plan.items[i].captionRow);
      expect(t.candidates).toHaveLength(k + 1);
      // one caption of each near class, in nearness order, none of the item's own class
      const want = (near.get(plan.items[i].cls) ?? []).map((recs) => ds.records[recs[0]].class);
      expect(t.candidates.slice(1).map(classOfRow)).toEqual(want);
      expect(want).not.toContain(plan.items[i].cls);
    });
    // deterministic by seed; other seeds draw other captions of the same classes
    expect(planSplit(ds, "train", { n: 30, seed: 3, captionsPerImage: 2 }).nearTrials).toEqual(
      plan.nearTrials,
    );
    const other = planSplit(ds, "train", { n: 30, seed: 9, captionsPerImage: 2 });
    expect(other.nearTrials.map((t) => t.candidates)).not.toEqual(plan.nearTrials.map((t) => t.candidates));
    // and a plan does not depend on which plans were made before it on the same dataset
    const fresh = await loadDataset(ds.dir);
    planSplit(fresh, "train", { n: 30, seed: 9, captionsPerImage: 2 });
    expect(planSplit(fresh, "train", { n: 30, seed: 3, captionsPerImage: 2 }).nearTrials).toEqual(
      plan.nearTrials,
    );
  });

  it("uses at most half of a small split for captions, so the reference is as large", () => {
    const plan = planSplit(ds, "val", { n: 500 });
    expect(plan.items).toHaveLength(6);
    expect(plan.reference).toHaveLength(6);
    expect(plan.trials.every((t) => t.candidates.length === 100)).toBe(true);
  });
});

describe("formatEvalReport", () => {
  it("renders one table per split with ceiling, generated and floor rows", () => {
    const cond = {
      count: 10,
      rPrecision: 0.5,
      rPrecisionNear: 0.25,
      frechet: 1.25,
      inceptionLike: 3.5,
      classAccuracy: null,
    };
    const report: EvalReport = {
      createdAt: "2026-01-01T00:00:00Z",
      model: {
        kind: "checkpoint",
        dir: "x",
        name: "run/step-1",
        stage: 1,
        step: 1,
        engine: "tfjs",
        datasetHash: "h",
        textEncoderId: "t",
      },
      dataset: { dir: "d", name: "shapes", hash: "h" },
      evalNets: { dir: "e", version: "v001", trainSeconds: 1 },
      seed: 0,
      n: 10,
      truncation: null,
      scored: "stage1-64",
      splits: {
        test: {
          split: "test",
          items: 10,
          referenceImages: 10,
          mismatched: 99,
          chance: 0.01,
          nearClasses: 16,
          nearChance: 1 / 17,
          classesKnown: false,
          real: cond,
          generated: { ...cond, rPrecision: 0.125, seedDiversity: 0.42, jointFrechet: 0.5 },
          shuffled: { ...cond, rPrecision: 0.01, frechet: null, jointFrechet: 1.5, inceptionLike: null },
        },
      },
      timings: { generateSec: 1, metricsSec: 1, totalSec: 2 },
      notes: [],
    };
    const md = formatEvalReport(report);
    expect(md).toContain("## test split (classes never seen in training)");
    // the real row has no image–text figure here (a report recorded before it): a dash
    expect(md).toContain("| real (ceiling) | 50.0% | 25.0% | 1.250 | — | 3.50 | — | — |");
    expect(md).toContain("| generated | 12.5% | 25.0% | 1.250 | 0.500 | 3.50 | — | 0.420 |");
    expect(md).toContain("| shuffled captions (floor) | 1.0% | 25.0% | — | 1.500 | — | — | — |");
    expect(md).toContain("near-class R-precision: among 17 (chance 5.9%)");
    // a report recorded before the near-class figure: a dash, no claim
    const old = structuredClone(report);
    const t = old.splits.test;
    for (const c of [t.real, t.generated, t.shuffled]) delete c?.rPrecisionNear;
    delete t.nearClasses;
    delete t.nearChance;
    const oldMd = formatEvalReport(old);
    expect(oldMd).toContain("| real (ceiling) | 50.0% | — | 1.250 | — | 3.50 | — | — |");
    expect(oldMd).not.toContain("near-class R-precision: among");
  });
});
