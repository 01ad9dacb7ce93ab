import { promises as fs } from "node:fs";
import path from "node:path";
import { type DatasetRecord, datasetRecordSchema, readManifest } from "./dataset-format";

/** The part of lib/text's encoder this step needs (contracts.md §1); tests pass a tiny fake. */
export interface CaptionEncoder {
  id: string;
  dim: number;
  embedBatch(texts: string[]): Promise<Float32Array>;
}

export interface EmbedOptions {
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Compute an embedding for every caption of a dataset folder and replace embeddings.f32 and manifest.textEncoder
 * atomically: a sibling folder is made of hard links to the unchanged files plus the two new ones, then swapped in
 * by rename, so a reader sees either the old dataset or the new one, never a mix.
 */
export async function embedDatasetCaptions(
  dir: string,
  encoder: CaptionEncoder,
  opts: EmbedOptions = {},
): Promise<void> {
  const manifest = await readManifest(dir);
  const lines = (await fs.readFile(path.join(dir, "captions.jsonl"), "utf8")).split("\n").filter(Boolean);
  const records: DatasetRecord[] = lines.map((l) => datasetRecordSchema.parse(JSON.parse(l)));
  const captions: string[] = [];
  for (const r of records) {
    if (r.embeddingOffset !== captions.length)
      throw new Error(
        `${dir}: record ${r.id} has embeddingOffset ${r.embeddingOffset}, expected ${captions.length}`,
      );
    captions.push(...r.captions);
  }
  const dim = encoder.dim;
  // identical captions (common in COCO-style data) are embedded once
  const unique = [...new Set(captions)];
  const row = new Map(unique.map((c, i) => [c, i]));
  const uniq = new Float32Array(unique.length * dim); // [U, D]
  const batch = opts.batchSize ?? 256;
  for (let i = 0; i < unique.length; i += batch) {
    const texts = unique.slice(i, i + batch);
    const emb = await encoder.embedBatch(texts);
    if (emb.length !== texts.length * dim)
      throw new Error(
        `text encoder ${encoder.id} returned ${emb.length} floats for ${texts.length} captions of dim ${dim}`,
      );
    uniq.set(emb, i * dim);
    opts.onProgress?.(Math.min(i + batch, unique.length), unique.length);
  }
  const out = new Float32Array(captions.length * dim); // [C, D]
  captions.forEach((c, i) => {
    const u = row.get(c) as number;
    out.set(uniq.subarray(u * dim, (u + 1) * dim), i * dim);
  });

  const tmp = `${dir}.embed-${process.pid}-${Date.now()}`;
  await fs.mkdir(tmp);
  try {
    await linkTree(dir, tmp, new Set(["manifest.json", "embeddings.f32"]));
    await fs.writeFile(
      path.join(tmp, "embeddings.f32"),
      new Uint8Array(out.buffer, out.byteOffset, out.byteLength),
    );
    const next = { ...manifest, captionCount: captions.length, textEncoder: { id: encoder.id, dim } };
    await fs.writeFile(path.join(tmp, "manifest.json"), `${JSON.stringify(next, null, 2)}\n`);
    const old = `${dir}.old-${process.pid}-${Date.now()}`;
    await fs.rename(dir, old);
    await fs.rename(tmp, dir);
    await fs.rm(old, { recursive: true, force: true });
  } catch (err) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

/** Mirror `src` into `dst` with hard links (copies where links are impossible), skipping top-level `skip` names. */
async function linkTree(src: string, dst: string, skip: ReadonlySet<string>, top = true): Promise<void> {
  for (const d of await fs.readdir(src, { withFileTypes: true })) {
    if (top && skip.has(d.name)) continue;
    const from = path.join(src, d.name);
    const to = path.join(dst, d.name);
    if (d.isDirectory()) {
      await fs.mkdir(to);
      await linkTree(from, to, skip, false);
    } else if (d.isFile()) {
      await fs.link(from, to).catch(() => fs.copyFile(from, to));
    }
  }
}
