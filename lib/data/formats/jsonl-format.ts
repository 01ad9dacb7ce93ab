import path from "node:path";
import { z } from "zod";
import { splitSchema } from "../dataset-format";
import { DatasetImportError } from "../import-error";
import { safeRelativePath } from "../sources/safe-path";
import type { SkippedItem } from "../validation-report";
import type { FormatLoader, SourceItem } from "./source-item";
import { readText } from "./source-item";

const lineSchema = z.object({
  image: z.string().min(1),
  captions: z.array(z.unknown()).optional(),
  caption: z.string().optional(),
  class: z.string().min(1).optional(),
  split: splitSchema.optional(),
});

/**
 * JSON lines: one `{"image": "relative/path.png", "captions": ["...", ...], "class"?: "...", "split"?: "..."}` per line.
 * Image paths are relative to the manifest's folder and must stay inside it.
 */
export const loadJsonl: FormatLoader = async (src, ctx) => {
  const manifest =
    ctx.manifestPath ??
    (src.has("manifest.jsonl") ? "manifest.jsonl" : src.entries.find((e) => e.path.endsWith(".jsonl"))?.path);
  if (!manifest) throw new DatasetImportError("FORMAT_INVALID", `No .jsonl manifest in ${src.label}.`);
  const base = path.posix.dirname(manifest);
  const items: SourceItem[] = [];
  const skipped: SkippedItem[] = [];
  const lines = (await readText(src, manifest)).split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].trim()) continue;
    const where = `${manifest} line ${i + 1}`;
    let json: unknown;
    try {
      json = JSON.parse(lines[i]);
    } catch {
      throw new DatasetImportError("FORMAT_INVALID", `${where} is not valid JSON.`, manifest);
    }
    const parsed = lineSchema.safeParse(json);
    if (!parsed.success)
      throw new DatasetImportError(
        "FORMAT_INVALID",
        `${where} must be {"image": path, "captions": [...]}: ${parsed.error.issues[0]?.message}`,
        manifest,
      );
    const rel = safeRelativePath(parsed.data.image, where);
    const image = base === "." ? rel : path.posix.join(base, rel);
    if (!src.has(image)) {
      skipped.push({ file: image, code: "MISSING", reason: `named on ${where} but not in the source` });
      continue;
    }
    const raw = parsed.data.captions ?? (parsed.data.caption !== undefined ? [parsed.data.caption] : []);
    items.push({
      image,
      captions: raw,
      captionWhere: where,
      class: parsed.data.class ?? "default",
      split: parsed.data.split,
    });
  }
  return {
    items,
    skipped,
    ignoredFiles: 0,
    source: `JSON-lines manifest ${manifest}`,
    licence: "as declared by the uploader",
  };
};
