import { DatasetImportError } from "../import-error";
import type { SkippedItem } from "../validation-report";
import { readReedSplit, splitFor } from "./reed-splits";
import type { FormatLoader, SourceItem } from "./source-item";
import { findEntry, readText } from "./source-item";

/**
 * CUB-200-2011 with Reed et al. captions, in the layout StackGAN uses:
 * ```
 * CUB_200_2011/images.txt            "<id> <class>/<file>.jpg"
 * CUB_200_2011/bounding_boxes.txt    "<id> <x> <y> <w> <h>"   (images are cropped to 1.5 × the box, as StackGAN does)
 * CUB_200_2011/images/<class>/<file>.jpg
 * text_c10/<class>/<file>.txt        10 captions per image
 * train/filenames.pickle, test/filenames.pickle   the 150/50 class split (or trainvalclasses.txt/testclasses.txt)
 * ```
 */
export const loadCub: FormatLoader = async (src) => {
  const imagesTxt = findEntry(src, "images.txt");
  if (!imagesTxt)
    throw new DatasetImportError(
      "FORMAT_INVALID",
      `No images.txt in ${src.label}: this is not a CUB-200-2011 folder.`,
    );
  const root = imagesTxt.slice(0, imagesTxt.length - "images.txt".length);
  const textDir = findTextDir(src);
  const boxes = new Map<string, [number, number, number, number]>();
  const boxesTxt = `${root}bounding_boxes.txt`;
  if (src.has(boxesTxt)) {
    for (const line of (await readText(src, boxesTxt)).split(/\r?\n/)) {
      const [id, ...nums] = line.trim().split(/\s+/);
      if (id && nums.length === 4) boxes.set(id, nums.map(Number) as [number, number, number, number]);
    }
  }
  const split = await readReedSplit(src);
  const items: SourceItem[] = [];
  const skipped: SkippedItem[] = [];
  for (const line of (await readText(src, imagesTxt)).split(/\r?\n/)) {
    const m = line.trim().match(/^(\S+)\s+(.+)$/);
    if (!m) continue;
    const [, id, rel] = m;
    const image = `${root}images/${rel}`;
    const cls = rel.split("/")[0];
    const captionFile = `${textDir}${rel.replace(/\.[a-z]+$/i, ".txt")}`;
    if (!src.has(image)) {
      skipped.push({ file: image, code: "MISSING", reason: "listed in images.txt but not in the source" });
      continue;
    }
    if (!src.has(captionFile)) {
      skipped.push({ file: image, code: "NO_CAPTION", reason: `no caption file (expected ${captionFile})` });
      continue;
    }
    items.push({
      image,
      captionFile,
      class: cls,
      bbox: boxes.get(id),
      split: splitFor(split, rel, cls),
      id: rel.replace(/\.[a-z]+$/i, ""),
    });
  }
  return {
    items,
    skipped,
    ignoredFiles: 0,
    source: "CUB-200-2011 (Wah et al. 2011) with captions by Reed et al. 2016",
    licence: "CUB-200-2011 and its captions: for non-commercial research use (see the original releases)",
  };
};

/** The folder holding text_c10 caption files, with a trailing slash ("" if at the top). */
export function findTextDir(src: { entries: readonly { path: string }[]; label: string }): string {
  const hit = src.entries.find((e) => /(^|\/)text_c10\//.test(e.path));
  if (!hit)
    throw new DatasetImportError(
      "FORMAT_INVALID",
      `No text_c10/ caption folder in ${src.label} (Reed et al. captions).`,
    );
  const i = hit.path.indexOf("text_c10/");
  return hit.path.slice(0, i + "text_c10/".length);
}
