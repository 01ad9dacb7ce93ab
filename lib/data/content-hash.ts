import { createHash } from "node:crypto";
import type { DatasetRecord } from "./dataset-format";

/** Content identity of a dataset: images and captions (and their ids, classes, splits), not embeddings or dates. */
export function datasetContentHash(
  records: readonly DatasetRecord[],
  images: Partial<Record<64 | 256, Uint8Array>>,
): string {
  const h = createHash("sha256");
  for (const r of records) h.update(JSON.stringify([r.id, r.class, r.split, r.captions]));
  for (const size of [64, 256] as const) {
    const img = images[size];
    if (img) h.update(`images-${size}:`).update(img);
  }
  return h.digest("hex").slice(0, 16);
}
