import type { Split } from "../dataset-format";
import type { ImportLimits } from "../import-limits";
import type { FileSource } from "../sources/file-source";
import type { SkippedItem } from "../validation-report";

/** One captioned image found by a format loader, before it is read, checked and decoded. */
export interface SourceItem {
  /** image path inside the source */
  image: string;
  class: string;
  /** captions given inline (COCO, JSON lines), checked by the importer like a caption file */
  captions?: unknown[];
  /** where the inline captions come from, for messages */
  captionWhere?: string;
  /** or: a caption file inside the source, one caption per line */
  captionFile?: string;
  /** bounding box [x, y, w, h] to crop around (CUB) */
  bbox?: [number, number, number, number];
  /** split fixed by the source layout */
  split?: Split;
  /** stable id; defaults to the image path without its extension */
  id?: string;
}

export interface LoaderResult {
  items: SourceItem[];
  /** problems found while reading the layout (missing caption files, images listed but absent) */
  skipped: SkippedItem[];
  /** files the format does not use */
  ignoredFiles: number;
  source: string;
  licence: string;
}

export interface LoaderContext {
  limits: ImportLimits;
  /** JSON-lines: the manifest file inside the source */
  manifestPath?: string;
}

export type FormatLoader = (src: FileSource, ctx: LoaderContext) => Promise<LoaderResult>;

export const IMAGE_EXT = /\.(jpe?g|png|webp|gif|tiff?)$/i;

/** macOS and editor litter that zips and folders often carry */
export function isLitter(p: string): boolean {
  return (
    p.startsWith("__MACOSX/") || p.split("/").some((s) => s.startsWith(".")) || /(^|\/)Thumbs\.db$/i.test(p)
  );
}

export async function readText(src: FileSource, p: string): Promise<string> {
  return new TextDecoder("utf-8").decode(await src.read(p));
}

/** Find the one entry whose path ends with `suffix` (at a segment boundary), preferring the shortest path. */
export function findEntry(src: FileSource, suffix: string): string | undefined {
  return src.entries
    .map((e) => e.path)
    .filter((p) => p === suffix || p.endsWith(`/${suffix}`))
    .sort((a, b) => a.length - b.length)[0];
}
