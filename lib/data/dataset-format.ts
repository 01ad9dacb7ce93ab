/**
 * The on-disk format of a Ganvas dataset folder: the one contract between import (lib/data),
 * the trainer (lib/train), evaluation (lib/eval) and the admin console.
 *
 * ```
 * <dir>/manifest.json          DatasetManifest (below)
 * <dir>/captions.jsonl         one DatasetRecord per line, record i ↔ image i
 * <dir>/images-64.u8           raw RGB uint8, [N, 64, 64, 3] row-major (no header)
 * <dir>/images-256.u8          raw RGB uint8, [N, 256, 256, 3] (optional: only if 256 is in manifest.imageSizes)
 * <dir>/embeddings.f32         float32 little-endian, [C, D]: every caption of every record, in record order
 *                              (record i's captions are rows embeddingOffset .. embeddingOffset + captions.length)
 * <dir>/png/                   browsable PNGs (optional), record.png is relative to <dir>
 * <dir>/LICENSE*, ATTRIBUTION* licence and attribution files for every source
 * ```
 * Writers build the folder under a temporary name and rename it into place, so a reader never sees half a dataset.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { z } from "zod";

export const DATASET_FORMAT_VERSION = 1;

export const splitSchema = z.enum(["train", "val", "test"]);
export type Split = z.infer<typeof splitSchema>;

export const datasetRecordSchema = z.object({
  /** stable id of the image inside the dataset (e.g. "noto/1f600") */
  id: z.string().min(1),
  /** class label (emoji kind, bird species...); the class-disjoint test split is made over these */
  class: z.string().min(1),
  split: splitSchema,
  captions: z.array(z.string().min(1)).min(1),
  /** first row of this record's captions in embeddings.f32 */
  embeddingOffset: z.number().int().nonnegative(),
  /** optional browsable PNG, relative to the dataset folder */
  png: z.string().optional(),
  /** free-form extras (style, source package, colours...) */
  meta: z.record(z.string(), z.unknown()).optional(),
});
export type DatasetRecord = z.infer<typeof datasetRecordSchema>;

export const datasetManifestSchema = z.object({
  formatVersion: z.literal(DATASET_FORMAT_VERSION),
  name: z.string().min(1),
  /** content identity: changes whenever images or captions change (trainer checkpoints record it) */
  hash: z.string().min(8),
  createdAt: z.string(),
  source: z.string(),
  licence: z.string(),
  count: z.number().int().nonnegative(),
  captionCount: z.number().int().nonnegative(),
  imageSizes: z.array(z.union([z.literal(64), z.literal(256)])).min(1),
  splits: z.object({ train: z.number().int(), val: z.number().int(), test: z.number().int() }),
  /** text encoder that produced embeddings.f32, or null when none were computed */
  textEncoder: z.object({ id: z.string(), dim: z.number().int().positive() }).nullable(),
  build: z.record(z.string(), z.unknown()).optional(),
});
export type DatasetManifest = z.infer<typeof datasetManifestSchema>;

/** A dataset folder loaded into memory: images as flat uint8 buffers, embeddings as one float32 matrix. */
export interface LoadedDataset {
  dir: string;
  manifest: DatasetManifest;
  records: DatasetRecord[];
  /** [N, size, size, 3] uint8 per available size */
  images: Partial<Record<64 | 256, Uint8Array>>;
  /** [captionCount, dim] or null when the dataset has no embeddings */
  embeddings: Float32Array | null;
}

export class DatasetFormatError extends Error {
  constructor(dir: string, problem: string) {
    super(`Dataset at ${dir} is not usable: ${problem}`);
    this.name = "DatasetFormatError";
  }
}

export async function readManifest(dir: string): Promise<DatasetManifest> {
  const file = path.join(dir, "manifest.json");
  let raw: string;
  try {
    raw = await fs.readFile(file, "utf8");
  } catch {
    throw new DatasetFormatError(
      dir,
      "manifest.json is missing. Build or import the dataset first (npm run dataset).",
    );
  }
  const parsed = datasetManifestSchema.safeParse(JSON.parse(raw));
  if (!parsed.success) throw new DatasetFormatError(dir, `manifest.json is invalid: ${parsed.error.message}`);
  return parsed.data;
}

/** Load a dataset folder, checking every size against the manifest so a truncated file is caught here. */
export async function loadDataset(dir: string, opts: { sizes?: (64 | 256)[] } = {}): Promise<LoadedDataset> {
  const manifest = await readManifest(dir);
  const lines = (await fs.readFile(path.join(dir, "captions.jsonl"), "utf8")).split("\n").filter(Boolean);
  const records = lines.map((l, i) => {
    const r = datasetRecordSchema.safeParse(JSON.parse(l));
    if (!r.success) throw new DatasetFormatError(dir, `captions.jsonl line ${i + 1}: ${r.error.message}`);
    return r.data;
  });
  if (records.length !== manifest.count)
    throw new DatasetFormatError(
      dir,
      `manifest says ${manifest.count} images, captions.jsonl has ${records.length}`,
    );
  const images: LoadedDataset["images"] = {};
  for (const size of opts.sizes ?? manifest.imageSizes) {
    if (!manifest.imageSizes.includes(size)) throw new DatasetFormatError(dir, `it has no ${size}px images`);
    const buf = await readLargeFile(path.join(dir, `images-${size}.u8`));
    const expected = manifest.count * size * size * 3;
    if (buf.byteLength !== expected)
      throw new DatasetFormatError(
        dir,
        `images-${size}.u8 has ${buf.byteLength} bytes, expected ${expected}`,
      );
    images[size] = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  let embeddings: Float32Array | null = null;
  if (manifest.textEncoder) {
    const buf = await fs.readFile(path.join(dir, "embeddings.f32"));
    const expected = manifest.captionCount * manifest.textEncoder.dim * 4;
    if (buf.byteLength !== expected)
      throw new DatasetFormatError(dir, `embeddings.f32 has ${buf.byteLength} bytes, expected ${expected}`);
    // copy into an aligned buffer: Buffer slices may start at an odd byte offset
    embeddings = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  }
  return { dir, manifest, records, images, embeddings };
}

/**
 * fs.readFile refuses files over 2 GiB (ERR_FS_FILE_TOO_LARGE), and images-256.u8 passes that at ~10.9k images
 * (CUB's 11,788 make 2.3 GB): read into one Buffer in chunks instead.
 */
async function readLargeFile(file: string): Promise<Buffer> {
  const fh = await fs.open(file, "r");
  try {
    const { size } = await fh.stat();
    const buf = Buffer.allocUnsafe(size);
    const chunk = 256 * 1024 * 1024;
    for (let pos = 0; pos < size; ) {
      const { bytesRead } = await fh.read(buf, pos, Math.min(chunk, size - pos), pos);
      if (bytesRead === 0) throw new DatasetFormatError(file, "the file shrank while it was read");
      pos += bytesRead;
    }
    return buf;
  } finally {
    await fh.close();
  }
}

/**
 * Write a complete dataset folder atomically: everything goes to `<dir>.tmp-<pid>` first, then one rename.
 * An existing folder at `dir` is replaced only after the new one is complete.
 */
export async function writeDataset(
  dir: string,
  ds: Omit<LoadedDataset, "dir">,
  extraFiles: Record<string, string | Uint8Array> = {},
): Promise<void> {
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  await fs.mkdir(tmp, { recursive: true });
  try {
    await fs.writeFile(path.join(tmp, "manifest.json"), `${JSON.stringify(ds.manifest, null, 2)}\n`);
    await fs.writeFile(
      path.join(tmp, "captions.jsonl"),
      `${ds.records.map((r) => JSON.stringify(r)).join("\n")}\n`,
    );
    for (const [size, bytes] of Object.entries(ds.images)) {
      if (bytes) await fs.writeFile(path.join(tmp, `images-${size}.u8`), bytes);
    }
    if (ds.embeddings) {
      await fs.writeFile(
        path.join(tmp, "embeddings.f32"),
        new Uint8Array(ds.embeddings.buffer, ds.embeddings.byteOffset, ds.embeddings.byteLength),
      );
    }
    for (const [name, content] of Object.entries(extraFiles)) {
      const target = path.join(tmp, name);
      await fs.mkdir(path.dirname(target), { recursive: true });
      await fs.writeFile(target, content);
    }
    const old = `${dir}.old-${process.pid}-${Date.now()}`;
    const exists = await fs.stat(dir).then(
      () => true,
      () => false,
    );
    if (exists) await fs.rename(dir, old);
    await fs.rename(tmp, dir);
    if (exists) await fs.rm(old, { recursive: true, force: true });
  } catch (err) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw err;
  }
}
