import { promises as fs } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type BuildEmojiResult,
  buildEmojiDataset,
  contactSheet,
  type LoadedDataset,
  loadDataset,
} from "@/lib/data";
import { findEmojiArt, loadEmojiEntries } from "@/lib/data/emoji/emoji-catalog";
import { tempDir } from "./helpers";

let tmp: string;
let built: BuildEmojiResult;
let ds: LoadedDataset;
beforeAll(async () => {
  tmp = await tempDir();
  built = await buildEmojiDataset({ outDir: path.join(tmp, "emoji"), limit: 60, seed: 3 });
  ds = await loadDataset(path.join(tmp, "emoji"));
});
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

describe("emoji catalogue", () => {
  it("has art in all three styles, no letter glyphs, and capped skin tones", () => {
    const entries = loadEmojiEntries();
    expect(entries.some((e) => e.label.startsWith("regional indicator"))).toBe(false);
    expect(entries.some((e) => e.subgroup === "keycap" || e.subgroup === "alphanum")).toBe(false);
    const art = findEmojiArt(entries, { seed: 0, skinVariantsPerStyle: 1 });
    const styles = new Map<string, number>();
    for (const a of art) styles.set(a.style, (styles.get(a.style) ?? 0) + 1);
    for (const s of ["fluent", "noto", "twemoji"]) expect(styles.get(s)).toBeGreaterThan(1000);
    const toned = art.filter((a) => a.entry.tones.length > 0).length;
    expect(toned / art.length).toBeLessThan(0.3);
    // waving hand: one default and one toned image per style
    const waving = art.filter((a) => a.entry.kind === "1f44b");
    expect(waving.length).toBe(6);
    expect(
      new Set(waving.filter((a) => a.entry.tones.length).map((a) => a.entry.tones[0])).size,
    ).toBeGreaterThan(0);
  });
});

describe("emoji build (60-image sample)", () => {
  it("writes a loadable dataset folder with images, captions, PNGs and licences", async () => {
    expect(ds.manifest.count).toBe(60);
    expect(ds.images[64]?.length).toBe(60 * 64 * 64 * 3);
    expect(ds.images[256]?.length).toBe(60 * 256 * 256 * 3);
    expect(ds.manifest.textEncoder).toBeNull();
    const files = await fs.readdir(path.join(tmp, "emoji"));
    for (const f of [
      "LICENSE-fluent-emoji.txt",
      "LICENSE-noto-emoji.txt",
      "LICENSE-twemoji.txt",
      "LICENSE-emojibase-data.txt",
      "Apache-2.0.txt",
      "ATTRIBUTION.md",
      "report.json",
      "report.txt",
    ])
      expect(files).toContain(f);
    const png = await fs.readFile(path.join(tmp, "emoji", ds.records[0].png as string));
    expect(png.subarray(1, 4).toString()).toBe("PNG");
  });

  it("has 5–10 captions per image with offsets that index embeddings rows", () => {
    let offset = 0;
    for (const r of ds.records) {
      expect(r.captions.length).toBeGreaterThanOrEqual(5);
      expect(r.captions.length).toBeLessThanOrEqual(10);
      expect(r.embeddingOffset).toBe(offset);
      offset += r.captions.length;
    }
    expect(ds.manifest.captionCount).toBe(offset);
  });

  it("renders on white with the emoji in the middle", () => {
    const img = ds.images[64] as Uint8Array;
    for (let i = 0; i < ds.records.length; i++) {
      const corner = img.subarray(i * 12288, i * 12288 + 3);
      expect(Math.min(...corner)).toBeGreaterThan(200); // top-left pixel is background
      let nonWhite = 0;
      for (let p = i * 12288; p < (i + 1) * 12288; p += 3)
        if (img[p] + img[p + 1] + img[p + 2] < 700) nonWhite++;
      expect(nonWhite).toBeGreaterThan(100); // there is a picture
    }
  });

  it("holds out whole emoji kinds for test and validates within training kinds", () => {
    const test = new Set(ds.records.filter((r) => r.split === "test").map((r) => r.class));
    const train = new Set(ds.records.filter((r) => r.split === "train").map((r) => r.class));
    expect(test.size).toBeGreaterThan(0);
    for (const c of test) expect(train.has(c)).toBe(false);
    for (const r of ds.records.filter((x) => x.split === "val")) expect(train.has(r.class)).toBe(true);
    expect(built.manifest.splits.train + built.manifest.splits.val + built.manifest.splits.test).toBe(60);
  });

  it("captions name the colour measured from the picture", () => {
    for (const r of ds.records) {
      const colours = (r.meta?.colours as string[]) ?? [];
      if (colours.length && r.meta?.group !== "people-body" && r.meta?.group !== "flags")
        expect(r.captions.join(" | ")).toContain(colours[0]);
    }
  });

  it("is deterministic for a seed", async () => {
    const again = await buildEmojiDataset({ outDir: path.join(tmp, "again"), limit: 60, seed: 3 });
    expect(again.manifest.hash).toBe(built.manifest.hash);
  });

  it("adds a common-noun caption by default, keeping the other captions (commonNames: false leaves it out)", async () => {
    const plain = await buildEmojiDataset({
      outDir: path.join(tmp, "plain"),
      limit: 60,
      seed: 3,
      commonNames: false,
    });
    expect(plain.manifest.hash).not.toBe(built.manifest.hash);
    const without = await loadDataset(path.join(tmp, "plain"));
    let added = 0;
    ds.records.forEach((r, i) => {
      const before = without.records[i];
      expect(r.id).toBe(before.id);
      expect(r.captions[0]).toBe(before.captions[0]);
      const fresh = r.captions.filter((c) => !before.captions.includes(c));
      expect(fresh.length).toBeLessThanOrEqual(1);
      for (const c of fresh) expect(c).toMatch(/^(an? )?([a-z]+ )?[a-z]+$/);
      added += fresh.length;
    });
    expect(added).toBeGreaterThan(0);
  });

  it("draws a contact sheet", async () => {
    const png = await contactSheet(path.join(tmp, "emoji"), { count: 16, columns: 4 });
    expect(Buffer.from(png).subarray(1, 4).toString()).toBe("PNG");
  });
});
