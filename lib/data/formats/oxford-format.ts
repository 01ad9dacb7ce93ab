import type { SkippedItem } from "../validation-report";
import { findTextDir } from "./cub-format";
import { imageKey, readReedSplit, splitFor } from "./reed-splits";
import type { FormatLoader, SourceItem } from "./source-item";
import { IMAGE_EXT } from "./source-item";

/**
 * Oxford-102 flowers with Reed et al. captions:
 * ```
 * jpg/image_00001.jpg
 * text_c10/class_00001/image_00001.txt
 * trainvalclasses.txt + testclasses.txt ("class_00001" per line), or train/ and test/filenames.pickle
 * ```
 */
export const loadOxford: FormatLoader = async (src) => {
  const textDir = findTextDir(src);
  const images = new Map<string, string>();
  for (const e of src.entries)
    if (IMAGE_EXT.test(e.path) && !e.path.startsWith(textDir)) images.set(imageKey(e.path), e.path);
  const split = await readReedSplit(src);
  const items: SourceItem[] = [];
  const skipped: SkippedItem[] = [];
  for (const e of src.entries) {
    if (!e.path.startsWith(textDir) || !e.path.endsWith(".txt")) continue;
    const rel = e.path.slice(textDir.length); // class_00001/image_00001.txt
    const parts = rel.split("/");
    if (parts.length !== 2) continue;
    const cls = parts[0];
    const image = images.get(imageKey(rel));
    if (!image) {
      skipped.push({
        file: e.path,
        code: "MISSING",
        reason: `no image ${imageKey(rel)}.jpg for this caption file`,
      });
      continue;
    }
    items.push({
      image,
      captionFile: e.path,
      class: cls,
      split: splitFor(split, rel, cls),
      id: rel.replace(/\.txt$/, ""),
    });
  }
  return {
    items,
    skipped,
    ignoredFiles: 0,
    source: "Oxford-102 flowers (Nilsback & Zisserman 2008) with captions by Reed et al. 2016",
    licence: "Oxford-102 and its captions: for research use (see the original releases)",
  };
};
