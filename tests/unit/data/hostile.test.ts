import { promises as fs } from "node:fs";
import path from "node:path";
import { deflateSync } from "node:zlib";
import { zipSync } from "fflate";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DatasetImportError, type ImportErrorCode, type ImportOptions, importDataset } from "@/lib/data";
import { crc32 } from "@/lib/data/sources/zip-source";
import { FIXTURES, snapshot, tempDir } from "./helpers";

/**
 * Every hostile upload must be refused with its code and a message that says what is wrong, and must leave the
 * target (an existing dataset, replaced only on success) and its parent folder exactly as they were.
 */
let tmp: string;
let parent: string;
let target: string;
let before: Record<string, string>;
let png: Uint8Array;

beforeAll(async () => {
  tmp = await tempDir();
  parent = path.join(tmp, "datasets");
  target = path.join(parent, "victim");
  await importDataset({
    format: "folder",
    src: `${FIXTURES}/folder`,
    outDir: target,
    name: "victim",
    sizes: [64],
  });
  before = await snapshot(parent);
  png = new Uint8Array(
    await sharp({ create: { width: 16, height: 16, channels: 3, background: "#c03030" } })
      .png()
      .toBuffer(),
  );
});
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

async function expectRefused(
  opts: Omit<ImportOptions, "outDir" | "name">,
  code: ImportErrorCode,
  message: RegExp,
): Promise<void> {
  const err = await importDataset({
    ...opts,
    outDir: target,
    name: "victim",
    overwrite: true,
    sizes: [64],
  }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DatasetImportError);
  expect((err as DatasetImportError).code).toBe(code);
  expect((err as DatasetImportError).message).toMatch(message);
  expect(await snapshot(parent)).toEqual(before);
}

let n = 0;
async function folderWith(files: Record<string, string | Uint8Array>): Promise<string> {
  const dir = path.join(tmp, `src-${n++}`);
  for (const [name, content] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await fs.writeFile(path.join(dir, name), content);
  }
  return dir;
}

async function zipWith(files: Record<string, Uint8Array>, patch?: (zip: Buffer) => void): Promise<string> {
  const file = path.join(tmp, `z-${n++}.zip`);
  const zip = Buffer.from(zipSync(files));
  patch?.(zip);
  await fs.writeFile(file, zip);
  return file;
}

const text = (s: string) => new TextEncoder().encode(s);

/** Offsets of every central-directory header in a zip. */
function centralHeaders(zip: Buffer): number[] {
  const out: number[] = [];
  for (let i = 0; i < zip.length - 4; i++) if (zip.readUInt32LE(i) === 0x02014b50) out.push(i);
  return out;
}

describe("hostile zips", () => {
  it("refuses zip-slip paths", async () => {
    const src = await zipWith({
      "ok.png": png,
      "ok.txt": text("fine"),
      "../../evil.png": png,
      "../../evil.txt": text("x"),
    });
    await expectRefused(
      { format: "zip", src },
      "UNSAFE_PATH",
      /"\.\.\/\.\.\/evil\.(png|txt)".*outside the dataset/,
    );
  });

  it("refuses absolute paths", async () => {
    const src = await zipWith({ "/etc/evil.png": png });
    await expectRefused({ format: "zip", src }, "UNSAFE_PATH", /absolute path/);
  });

  it("refuses symlink entries", async () => {
    const src = await zipWith({ "a.png": text("/etc/passwd"), "a.txt": text("caption") }, (zip) => {
      const h = centralHeaders(zip).find(
        (o) => zip.toString("utf8", o + 46, o + 46 + 5) === "a.png",
      ) as number;
      zip.writeUInt16LE((3 << 8) | 20, h + 4); // made by Unix
      zip.writeUInt32LE((0o120777 << 16) >>> 0, h + 38); // S_IFLNK
    });
    await expectRefused({ format: "zip", src }, "SYMLINK", /symbolic link/);
  });

  it("refuses a zip bomb by total declared size before inflating", async () => {
    const zeros = new Uint8Array(2 * 1024 * 1024); // deflates to ~2 KB
    const src = await zipWith({ "a.png": zeros, "b.png": zeros });
    await expectRefused(
      { format: "zip", src, limits: { maxTotalBytes: 3 * 1024 * 1024 } },
      "TOO_LARGE",
      /zip bomb/,
    );
  });

  it("refuses an entry whose compression ratio marks it as a bomb", async () => {
    const src = await zipWith({ "a.png": new Uint8Array(8 * 1024 * 1024) });
    await expectRefused({ format: "zip", src }, "TOO_LARGE", /compressed \d+:1, the signature of a zip bomb/);
  });

  it("refuses an entry that inflates past its declared size (forged header)", async () => {
    const body = new Uint8Array(5000).fill(65);
    const src = await zipWith({ "a.txt": body, "a.png": png }, (zip) => {
      for (const h of centralHeaders(zip))
        if (zip.toString("utf8", h + 46, h + 51) === "a.txt") zip.writeUInt32LE(100, h + 24); // uncompressed size
    });
    await expectRefused({ format: "zip", src }, "ZIP_INVALID", /declared size or checksum/);
  });

  it("refuses an entry with a forged compressed size (would force a huge allocation)", async () => {
    const src = await zipWith({ "a.png": png, "a.txt": text("caption") }, (zip) => {
      for (const h of centralHeaders(zip)) zip.writeUInt32LE(0xfffffff0, h + 20); // compressed size
    });
    await expectRefused({ format: "zip", src }, "ZIP_INVALID", /claims \d+ compressed bytes/);
  });

  it("refuses too many files", async () => {
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i < 30; i++) files[`f${i}.txt`] = text("x");
    await expectRefused(
      { format: "zip", src: await zipWith(files), limits: { maxFiles: 20 } },
      "TOO_MANY_FILES",
      /more than limits\.maxFiles/,
    );
  });

  it("refuses a file that is not a zip", async () => {
    const src = path.join(tmp, "fake.zip");
    await fs.writeFile(src, "this is not a zip");
    await expectRefused({ format: "zip", src }, "ZIP_INVALID", /not a valid zip/);
  });

  it("computes the zip CRC-32 correctly", () => {
    expect(crc32(text("123456789"))).toBe(0xcbf43926);
  });
});

describe("hostile folders", () => {
  it("refuses symlinks", async () => {
    const dir = await folderWith({ "a.png": png, "a.txt": "caption" });
    await fs.symlink("/etc/passwd", path.join(dir, "b.txt"));
    await fs.symlink(path.join(dir, "a.png"), path.join(dir, "b.png"));
    await expectRefused({ format: "folder", src: dir }, "SYMLINK", /"b\.(png|txt)" is a symbolic link/);
  });

  it("refuses a JSON-lines manifest that points outside its folder", async () => {
    const dir = await folderWith({
      "m.jsonl": `${JSON.stringify({ image: "ok.png", captions: ["ok"] })}\n${JSON.stringify({ image: "../secret.png", captions: ["x"] })}\n`,
      "ok.png": png,
    });
    await expectRefused(
      { format: "jsonl", src: path.join(dir, "m.jsonl") },
      "UNSAFE_PATH",
      /line 2.*"\.\.\/secret\.png"/,
    );
    const abs = await folderWith({ "m.jsonl": JSON.stringify({ image: "/etc/passwd", captions: ["x"] }) });
    await expectRefused({ format: "jsonl", src: abs }, "UNSAFE_PATH", /absolute path/);
  });

  it("refuses a folder bigger than the byte limit", async () => {
    const dir = await folderWith({ "a.png": png, "a.txt": "x".repeat(5000) });
    await expectRefused(
      { format: "folder", src: dir, limits: { maxTotalBytes: 4000 } },
      "TOO_LARGE",
      /more than 4000 bytes/,
    );
  });
});

describe("hostile images", () => {
  it("refuses a non-image file with an image name", async () => {
    const dir = await folderWith({ "a.png": "<?php system($_GET['x']); ?>", "a.txt": "caption" });
    await expectRefused({ format: "folder", src: dir }, "NOT_AN_IMAGE", /"a\.png" is not an image/);
  });

  it("refuses an SVG renamed to .png (SVG can reference other files)", async () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><image href="file:///etc/passwd"/></svg>';
    const dir = await folderWith({ "a.png": svg, "a.txt": "caption" });
    await expectRefused({ format: "folder", src: dir }, "NOT_AN_IMAGE", /svg file; only PNG, JPEG/);
  });

  it("refuses a truncated image", async () => {
    const big = new Uint8Array(
      await sharp({ create: { width: 64, height: 64, channels: 3, background: "#3080c0" } })
        .jpeg()
        .toBuffer(),
    );
    const dir = await folderWith({
      "a.jpg": big.subarray(0, Math.floor(big.length * 0.6)),
      "a.txt": "caption",
    });
    await expectRefused(
      { format: "folder", src: dir },
      "IMAGE_TRUNCATED",
      /"a\.jpg" is truncated or corrupt/,
    );
  });

  it("refuses a decompression bomb from its header (pixel limit), before decoding", async () => {
    // a valid PNG that claims 100000 × 100000 pixels (30 GB decoded) in a few hundred bytes: header + one row
    const chunk = (type: string, data: Buffer) => {
      const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
      const out = Buffer.alloc(12 + data.length);
      out.writeUInt32BE(data.length, 0);
      body.copy(out, 4);
      out.writeUInt32BE(crc32(body), 8 + data.length);
      return out;
    };
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(100000, 0);
    ihdr.writeUInt32BE(100000, 4);
    ihdr.set([8, 2, 0, 0, 0], 8);
    const bomb = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk("IHDR", ihdr),
      chunk("IDAT", deflateSync(Buffer.alloc(100000 * 3 + 1))),
      chunk("IEND", Buffer.alloc(0)),
    ]);
    expect(bomb.length).toBeLessThan(2000);
    const dir = await folderWith({ "a.png": bomb, "a.txt": "caption" });
    await expectRefused(
      { format: "folder", src: dir },
      "IMAGE_TOO_LARGE",
      /100000×100000 pixels.*decompression bomb/,
    );
  });
});

describe("hostile captions", () => {
  it("refuses an empty caption file", async () => {
    const dir = await folderWith({ "a.png": png, "a.txt": " \n\n \r\n" });
    await expectRefused({ format: "folder", src: dir }, "CAPTION_EMPTY", /"a\.txt" has no captions/);
  });

  it("refuses a binary caption file", async () => {
    const dir = await folderWith({ "a.png": png, "a.txt": png });
    await expectRefused({ format: "folder", src: dir }, "CAPTION_BINARY", /binary/);
  });

  it("refuses a caption file that is not UTF-8 (Latin-1)", async () => {
    const dir = await folderWith({ "a.png": png, "a.txt": Buffer.from("un caf\u00e9 cr\u00e8me", "latin1") });
    await expectRefused({ format: "folder", src: dir }, "CAPTION_ENCODING", /not valid UTF-8/);
  });

  it("refuses a UTF-16 caption file", async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("a red bird", "utf16le")]);
    const dir = await folderWith({ "a.png": png, "a.txt": utf16 });
    await expectRefused({ format: "folder", src: dir }, "CAPTION_ENCODING", /UTF-16/);
  });

  it("refuses an oversized caption file", async () => {
    const dir = await folderWith({ "a.png": png, "a.txt": "a red bird\n".repeat(1000) });
    await expectRefused(
      { format: "folder", src: dir, limits: { maxCaptionBytes: 1000 } },
      "CAPTION_TOO_LARGE",
      /limits\.maxCaptionBytes/,
    );
  });
});

describe("skip mode", () => {
  it("with strict: false, skips bad items and reports why instead of refusing", async () => {
    const dir = await folderWith({
      "good.png": png,
      "good.txt": "a red square",
      "bad.png": "not an image",
      "bad.txt": "x",
      "empty.png": png,
      "empty.txt": "",
    });
    const { manifest, report } = await importDataset({
      format: "folder",
      src: dir,
      outDir: path.join(tmp, "skip"),
      name: "s",
      strict: false,
      sizes: [64],
    });
    expect(manifest.count).toBe(1);
    expect(report.skipped.map((s) => [s.file, s.code]).sort()).toEqual([
      ["bad.png", "NOT_AN_IMAGE"],
      ["empty.txt", "CAPTION_EMPTY"],
    ]);
  });

  it("still refuses an existing target without overwrite", async () => {
    const err = await importDataset({
      format: "folder",
      src: `${FIXTURES}/folder`,
      outDir: target,
      name: "v",
    }).catch((e) => e);
    expect(err).toBeInstanceOf(DatasetImportError);
    expect(err.code).toBe("TARGET_EXISTS");
    expect(await snapshot(parent)).toEqual(before);
  });
});
