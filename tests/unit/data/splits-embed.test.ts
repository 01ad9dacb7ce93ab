import { promises as fs } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  assignSplits,
  type CaptionEncoder,
  embedDatasetCaptions,
  importDataset,
  loadDataset,
} from "@/lib/data";
import { FIXTURES, tempDir } from "./helpers";

describe("assignSplits", () => {
  const items = Array.from({ length: 400 }, (_, i) => ({
    id: `img${i}`,
    class: `c${i % 50}`,
    group: i % 2 ? "a" : "b",
  }));

  it("holds out ~20% of classes, disjoint from training, and ~5% within-class val", () => {
    const s = assignSplits(items, { seed: 1, testClassFraction: 0.2, valFraction: 0.05 });
    const testClasses = new Set(items.filter((_, i) => s[i] === "test").map((it) => it.class));
    expect(testClasses.size).toBe(10);
    items.forEach((it, i) => {
      if (s[i] !== "test") expect(testClasses.has(it.class)).toBe(false);
    });
    const val = s.filter((x) => x === "val").length;
    expect(val).toBeGreaterThan(5);
    expect(val).toBeLessThan(35);
    // every training class keeps at least one training image
    const trainClasses = new Set(items.filter((_, i) => s[i] === "train").map((it) => it.class));
    expect(trainClasses.size).toBe(40);
  });

  it("is deterministic, order-independent, and changes with the seed", () => {
    const a = assignSplits(items, { seed: 1, testClassFraction: 0.2, valFraction: 0.05 });
    const rev = assignSplits([...items].reverse(), {
      seed: 1,
      testClassFraction: 0.2,
      valFraction: 0.05,
    }).reverse();
    const b = assignSplits(items, { seed: 2, testClassFraction: 0.2, valFraction: 0.05 });
    expect(rev).toEqual(a);
    expect(b).not.toEqual(a);
  });

  it("never holds out a kept class; the stratum's next class takes its place", () => {
    const opts = { seed: 1, testClassFraction: 0.2, valFraction: 0.05 };
    const testOf = (s: string[]) => new Set(items.filter((_, i) => s[i] === "test").map((it) => it.class));
    const before = testOf(assignSplits(items, opts));
    const [kept] = [...before];
    const after = testOf(assignSplits(items, { ...opts, keepInTraining: new Set([kept]) }));
    expect(after.has(kept)).toBe(false);
    expect(after.size).toBe(before.size);
    // only the kept class is swapped, for one class of the same stratum (the group is class index parity)
    const added = [...after].filter((c) => !before.has(c));
    expect(added).toHaveLength(1);
    expect(Number(added[0].slice(1)) % 2).toBe(Number(kept.slice(1)) % 2);
    expect([...before].filter((c) => !after.has(c))).toEqual([kept]);
  });

  it("keeps a predefined split", () => {
    const s = assignSplits([
      { id: "a", class: "x", split: "test" },
      { id: "b", class: "y" },
    ]);
    expect(s).toEqual(["test", "train"]);
  });
});

describe("embedDatasetCaptions", () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await tempDir();
  });
  afterAll(async () => {
    await fs.rm(tmp, { recursive: true, force: true });
  });

  /** A fake encoder: a 4-d vector from the caption's length and first letters, L2-normalised. */
  const fake: CaptionEncoder & { calls: number } = {
    id: "test/fake",
    dim: 4,
    calls: 0,
    async embedBatch(texts) {
      this.calls++;
      const out = new Float32Array(texts.length * 4);
      texts.forEach((t, i) => {
        const v = [t.length, t.charCodeAt(0), t.charCodeAt(1) || 1, 1];
        const n = Math.hypot(...v);
        v.forEach((x, j) => {
          out[i * 4 + j] = x / n;
        });
      });
      return out;
    },
  };

  it("writes embeddings.f32 row by caption and sets manifest.textEncoder, keeping the content hash", async () => {
    const dir = path.join(tmp, "ds");
    const { manifest } = await importDataset({
      format: "oxford",
      src: `${FIXTURES}/oxford`,
      outDir: dir,
      name: "f",
      sizes: [64],
    });
    await embedDatasetCaptions(dir, fake, { batchSize: 7 });
    const ds = await loadDataset(dir);
    expect(ds.manifest.textEncoder).toEqual({ id: "test/fake", dim: 4 });
    expect(ds.manifest.hash).toBe(manifest.hash);
    // identical captions are embedded once (the fixture's two images per class share their captions)
    const unique = new Set(ds.records.flatMap((r) => r.captions)).size;
    expect(unique).toBeLessThan(manifest.captionCount);
    expect(fake.calls).toBe(Math.ceil(unique / 7));
    const r = ds.records[3];
    const row = ds.embeddings?.subarray(
      (r.embeddingOffset + 1) * 4,
      (r.embeddingOffset + 2) * 4,
    ) as Float32Array;
    const expected = await fake.embedBatch([r.captions[1]]);
    expect([...row]).toEqual([...expected]);
    expect((await fs.readdir(tmp)).sort()).toEqual(["ds"]); // no temp or old folders left
  });

  it("refuses an encoder that returns the wrong number of floats, leaving the folder unchanged", async () => {
    const dir = path.join(tmp, "ds");
    const before = await fs.readFile(path.join(dir, "manifest.json"), "utf8");
    const bad: CaptionEncoder = {
      id: "bad",
      dim: 8,
      embedBatch: async (t) => new Float32Array(t.length * 3),
    };
    await expect(embedDatasetCaptions(dir, bad)).rejects.toThrow(/returned .* floats/);
    expect(await fs.readFile(path.join(dir, "manifest.json"), "utf8")).toBe(before);
  });
});
