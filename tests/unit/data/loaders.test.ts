import { promises as fs } from "node:fs";
import path from "node:path";
import { zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importDataset, loadDataset, stackganCrop } from "@/lib/data";
import { FIXTURES, snapshot, tempDir } from "./helpers";

let tmp: string;
beforeAll(async () => {
  tmp = await tempDir();
});
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

/** Mean RGB of the centre 8×8 of record i's 64-px image. */
function centre(images: Uint8Array, i: number): [number, number, number] {
  const sum = [0, 0, 0];
  for (let y = 28; y < 36; y++)
    for (let x = 28; x < 36; x++)
      for (let c = 0; c < 3; c++) sum[c] += images[i * 64 * 64 * 3 + (y * 64 + x) * 3 + c];
  return sum.map((s) => s / 64) as [number, number, number];
}

describe("folder format", () => {
  it("pairs images with same-name .txt captions, classes from folders, skips and dedupes with reasons", async () => {
    const out = path.join(tmp, "folder");
    const { manifest, report } = await importDataset({
      format: "folder",
      src: `${FIXTURES}/folder`,
      outDir: out,
      name: "shapes",
    });
    const ds = await loadDataset(out);
    expect(manifest.count).toBe(3);
    expect(ds.records.map((r) => r.id).sort()).toEqual([
      "circles/green-circle",
      "circles/red-copy",
      "squares/blue-square",
    ]);
    const blue = ds.records.find((r) => r.id === "squares/blue-square");
    expect(blue?.captions).toEqual(["a blue square", "blue box, centred"]); // CRLF, blank lines
    expect(ds.records.find((r) => r.id === "circles/green-circle")?.captions[0]).toBe("a green circle"); // BOM, spaces
    expect(new Set(ds.records.map((r) => r.class))).toEqual(new Set(["squares", "circles"]));
    expect(report.skipped).toEqual([
      expect.objectContaining({
        file: "circles/no-caption.png",
        reason: expect.stringMatching(/no caption file/),
      }),
    ]);
    expect(report.duplicates).toEqual([
      { file: "squares/red-square.png", duplicateOf: "circles/red-copy.png" },
    ]);
    expect(report.ignoredFiles).toBe(1); // README.md
    expect(ds.images[64]?.length).toBe(3 * 64 * 64 * 3);
    expect(ds.images[256]?.length).toBe(3 * 256 * 256 * 3);
    const b = centre(ds.images[64] as Uint8Array, ds.records.indexOf(blue as never));
    expect(b[2]).toBeGreaterThan(180);
    expect(b[0]).toBeLessThan(80);
    expect(await fs.readFile(path.join(out, "report.txt"), "utf8")).toMatch(
      /3 kept, 1 skipped, 1 duplicates/,
    );
  });
});

describe("zip format", () => {
  it("imports a zip of a folder exactly like the folder", async () => {
    const files: Record<string, Uint8Array> = {};
    const walk = async (rel: string) => {
      for (const d of await fs.readdir(path.join(FIXTURES, "folder", rel), { withFileTypes: true })) {
        const p = rel ? `${rel}/${d.name}` : d.name;
        if (d.isDirectory()) await walk(p);
        else files[`shapes/${p}`] = new Uint8Array(await fs.readFile(path.join(FIXTURES, "folder", p)));
      }
    };
    await walk("");
    files["__MACOSX/._junk"] = new Uint8Array([0, 1, 2]);
    const zipFile = path.join(tmp, "shapes.zip");
    await fs.writeFile(zipFile, zipSync(files));
    const a = await importDataset({ format: "zip", src: zipFile, outDir: path.join(tmp, "zip"), name: "z" });
    const b = await importDataset({
      format: "folder",
      src: `${FIXTURES}/folder`,
      outDir: path.join(tmp, "folder2"),
      name: "z",
    });
    expect(a.manifest.count).toBe(b.manifest.count);
    const za = await loadDataset(path.join(tmp, "zip"));
    const zb = await loadDataset(path.join(tmp, "folder2"));
    expect(za.records.map((r) => r.captions)).toEqual(zb.records.map((r) => r.captions));
    expect(za.images[64]).toEqual(zb.images[64]);
  });
});

describe("JSON-lines format", () => {
  it("reads image paths relative to the manifest with captions and classes", async () => {
    const out = path.join(tmp, "jsonl");
    const { report } = await importDataset({
      format: "jsonl",
      src: `${FIXTURES}/jsonl/manifest.jsonl`,
      outDir: out,
      name: "j",
    });
    const ds = await loadDataset(out);
    expect(ds.records.map((r) => r.class).sort()).toEqual(["blue", "green", "red"]);
    expect(ds.records.find((r) => r.class === "red")?.captions).toEqual(["a red shape", "red on white"]);
    expect(report.skipped[0]).toMatchObject({ file: "images/missing.png", code: "MISSING" });
  });
});

describe("CUB-200-2011 with Reed captions", () => {
  it("crops 1.5× the bounding box, reads text_c10 and the pickled 150/50-style class split", async () => {
    const out = path.join(tmp, "cub");
    const { manifest } = await importDataset({
      format: "cub",
      src: `${FIXTURES}/cub`,
      outDir: out,
      name: "birds",
    });
    const ds = await loadDataset(out);
    expect(manifest.count).toBe(10);
    expect(ds.records[0].captions).toHaveLength(2);
    expect(ds.records[0].captions[0]).toMatch(/^this bird is red/);
    const testClasses = new Set(ds.records.filter((r) => r.split === "test").map((r) => r.class));
    expect(testClasses).toEqual(new Set(["004.Groove_billed_Ani", "005.Crested_Auklet"]));
    for (const r of ds.records) if (r.split !== "test") expect(testClasses.has(r.class)).toBe(false);
    // the crop is centred on the box, so the centre of every 64-px image is the bird's colour, not the blue sky
    const red = centre(ds.images[64] as Uint8Array, 0);
    expect(red[0]).toBeGreaterThan(170);
    expect(red[2]).toBeLessThan(90);
  });

  it("computes StackGAN's crop (square of 1.5 × the longer side, clipped)", () => {
    expect(stackganCrop([10, 8, 14, 10], 48, 32)).toEqual({ left: 7, top: 3, width: 20, height: 20 });
    expect(stackganCrop([0, 0, 40, 20], 48, 32)).toEqual({ left: 0, top: 0, width: 48, height: 32 });
  });
});

describe("Oxford-102 with Reed captions", () => {
  it("pairs jpg/image_N with text_c10/class_K/image_N.txt and uses the class lists", async () => {
    const out = path.join(tmp, "oxford");
    const { manifest } = await importDataset({
      format: "oxford",
      src: `${FIXTURES}/oxford`,
      outDir: out,
      name: "flowers",
    });
    const ds = await loadDataset(out);
    expect(manifest.count).toBe(10);
    expect(manifest.splits.test).toBe(2);
    expect(ds.records.filter((r) => r.split === "test").every((r) => r.class === "class_00005")).toBe(true);
    expect(ds.records.find((r) => r.id === "class_00001/image_00001")?.captions[0]).toBe(
      "this flower has red petals",
    );
  });
});

describe("MS-COCO captions", () => {
  it("reads captions_*.json, trims captions, maps val to test", async () => {
    const out = path.join(tmp, "coco");
    const { manifest } = await importDataset({
      format: "coco",
      src: `${FIXTURES}/coco`,
      outDir: out,
      name: "coco",
    });
    const ds = await loadDataset(out);
    expect(manifest.count).toBe(5);
    expect(manifest.splits.test).toBe(2);
    expect(ds.records.find((r) => r.id === "train/9")?.captions).toEqual([
      "A purple object on a grey table.",
      "There is a purple thing here.",
    ]);
  });
});

describe("import output", () => {
  it("is deterministic and leaves nothing else next to the dataset", async () => {
    const parent = path.join(tmp, "det");
    await fs.mkdir(parent);
    const a = await importDataset({
      format: "cub",
      src: `${FIXTURES}/cub`,
      outDir: `${parent}/a`,
      name: "a",
      sizes: [64],
    });
    const b = await importDataset({
      format: "cub",
      src: `${FIXTURES}/cub`,
      outDir: `${parent}/b`,
      name: "a",
      sizes: [64],
    });
    expect(a.manifest.hash).toBe(b.manifest.hash);
    expect((await fs.readdir(parent)).sort()).toEqual(["a", "b"]);
    const snap = await snapshot(`${parent}/a`);
    expect(Object.keys(snap).sort()).toEqual([
      "captions.jsonl",
      "images-64.u8",
      "manifest.json",
      "report.json",
      "report.txt",
    ]);
  });
});
