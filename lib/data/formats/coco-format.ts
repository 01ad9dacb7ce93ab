import { z } from "zod";
import { DatasetImportError } from "../import-error";
import { indexByBasename } from "../sources/file-source";
import type { SkippedItem } from "../validation-report";
import type { FormatLoader, SourceItem } from "./source-item";
import { readText } from "./source-item";

const cocoSchema = z.object({
  images: z.array(z.object({ id: z.number(), file_name: z.string() })),
  annotations: z.array(z.object({ image_id: z.number(), caption: z.string() })),
});

/**
 * MS-COCO captions: `annotations/captions_<split><year>.json` ({images: [{id, file_name}], annotations:
 * [{image_id, caption}]}) with images in `<split><year>/` (or anywhere, found by file name).
 * COCO has no classes: every image is class "coco"; captions_val* becomes the test split (as AttnGAN evaluates).
 */
export const loadCoco: FormatLoader = async (src) => {
  const files = src.entries.map((e) => e.path).filter((p) => /(^|\/)captions_[^/]*\.json$/.test(p));
  if (files.length === 0)
    throw new DatasetImportError(
      "FORMAT_INVALID",
      `No captions_*.json in ${src.label}: this is not an MS-COCO captions folder.`,
    );
  const byName = indexByBasename(src.entries);
  const items: SourceItem[] = [];
  const skipped: SkippedItem[] = [];
  for (const file of files) {
    let json: unknown;
    try {
      json = JSON.parse(await readText(src, file));
    } catch {
      throw new DatasetImportError("FORMAT_INVALID", `${file} is not valid JSON.`, file);
    }
    const parsed = cocoSchema.safeParse(json);
    if (!parsed.success)
      throw new DatasetImportError(
        "FORMAT_INVALID",
        `${file} is not a COCO captions file: ${parsed.error.issues[0]?.message}`,
        file,
      );
    const split = /captions_val/.test(file) ? "test" : "train";
    const caps = new Map<number, string[]>();
    for (const a of parsed.data.annotations)
      caps.set(a.image_id, [...(caps.get(a.image_id) ?? []), a.caption]);
    const subdir = file.match(/captions_([^/]+)\.json$/)?.[1]; // "train2014"
    // the folder above annotations/ (or the json's own folder)
    const root = file.replace(/(annotations\/)?captions_[^/]+\.json$/, "");
    for (const img of parsed.data.images) {
      const image =
        [
          `${root}${subdir}/${img.file_name}`,
          `${root}images/${subdir}/${img.file_name}`,
          `${root}${img.file_name}`,
        ].find((p) => src.has(p)) ?? byName.get(img.file_name.toLowerCase());
      if (!image) {
        skipped.push({
          file: img.file_name,
          code: "MISSING",
          reason: `listed in ${file} but not in the source`,
        });
        continue;
      }
      const raw = caps.get(img.id) ?? [];
      if (raw.length === 0) {
        skipped.push({ file: image, code: "NO_CAPTION", reason: `no captions in ${file}` });
        continue;
      }
      items.push({
        image,
        captions: raw,
        captionWhere: `${file} image ${img.id}`,
        class: "coco",
        split,
        id: `${split}/${img.id}`,
      });
    }
  }
  return {
    items,
    skipped,
    ignoredFiles: 0,
    source: "MS-COCO captions (Lin et al. 2014; Chen et al. 2015)",
    licence: "COCO annotations: CC-BY 4.0; images: Flickr terms of use",
  };
};
