import type { FormatLoader, SourceItem } from "./source-item";
import { IMAGE_EXT, isLitter } from "./source-item";

/**
 * Generic folder (or zip of one): every image has a same-name `.txt` beside it with one caption per line;
 * the class is the image's folder (or "default" at the top level).
 */
export const loadFolder: FormatLoader = async (src) => {
  const items: SourceItem[] = [];
  const skipped = [];
  let ignoredFiles = 0;
  const captionFiles = new Set<string>();
  for (const e of src.entries) {
    if (isLitter(e.path)) {
      ignoredFiles++;
      continue;
    }
    if (!IMAGE_EXT.test(e.path)) continue;
    const txt = e.path.replace(IMAGE_EXT, ".txt");
    if (!src.has(txt)) {
      skipped.push({ file: e.path, code: "NO_CAPTION", reason: `no caption file (expected ${txt})` });
      continue;
    }
    captionFiles.add(txt);
    const slash = e.path.lastIndexOf("/");
    items.push({ image: e.path, captionFile: txt, class: slash > 0 ? e.path.slice(0, slash) : "default" });
  }
  for (const e of src.entries)
    if (!isLitter(e.path) && !IMAGE_EXT.test(e.path) && !captionFiles.has(e.path)) ignoredFiles++;
  return {
    items,
    skipped,
    ignoredFiles,
    source: `folder ${src.label}`,
    licence: "as declared by the uploader",
  };
};
