import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { checkInlineCaptions, decodeCaptionFile } from "./caption-text";
import { datasetContentHash } from "./content-hash";
import {
  DATASET_FORMAT_VERSION,
  type DatasetManifest,
  type DatasetRecord,
  writeDataset,
} from "./dataset-format";
import { loadCoco } from "./formats/coco-format";
import { loadCub } from "./formats/cub-format";
import { loadFolder } from "./formats/folder-format";
import { loadJsonl } from "./formats/jsonl-format";
import { loadOxford } from "./formats/oxford-format";
import type { FormatLoader, LoaderContext, SourceItem } from "./formats/source-item";
import { decodeImage } from "./image-decode";
import { DatasetImportError, SKIPPABLE_CODES } from "./import-error";
import { type ImportLimits, resolveLimits } from "./import-limits";
import { mapPool } from "./promise-pool";
import { openDirSource } from "./sources/dir-source";
import type { FileSource } from "./sources/file-source";
import { openZipSource } from "./sources/zip-source";
import { assignSplits, countSplits, DEFAULT_SPLIT_OPTIONS, type SplitOptions } from "./splits";
import { buildReport, formatReport, type SkippedItem, type ValidationReport } from "./validation-report";

export const IMPORT_FORMATS = ["cub", "oxford", "coco", "folder", "zip", "jsonl"] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

const LOADERS: Record<ImportFormat, FormatLoader> = {
  cub: loadCub,
  oxford: loadOxford,
  coco: loadCoco,
  folder: loadFolder,
  zip: loadFolder,
  jsonl: loadJsonl,
};

export interface ImportOptions {
  format: ImportFormat;
  /** a folder, a zip file (any format; required for "zip"), or a .jsonl file (format "jsonl") */
  src: string;
  outDir: string;
  name: string;
  limits?: Partial<ImportLimits>;
  /** true (default): any bad image or caption file refuses the whole import; false: skip it and report why */
  strict?: boolean;
  /** replace an existing dataset at outDir (atomically, only once the new one is complete) */
  overwrite?: boolean;
  sizes?: (64 | 256)[];
  split?: Partial<SplitOptions>;
  concurrency?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface ImportResult {
  manifest: DatasetManifest;
  report: ValidationReport;
}

/**
 * The one import path for every format: open the source safely (folder or zip), let the format's loader list the
 * captioned images, then read, check, decode, resize and dedupe each one, split, and write the dataset folder in one
 * atomic step with its validation report. Hostile input throws DatasetImportError before anything is written.
 */
export async function importDataset(opts: ImportOptions): Promise<ImportResult> {
  const limits = resolveLimits(opts.limits);
  const strict = opts.strict ?? true;
  const sizes = opts.sizes ?? [64, 256];
  if (!/^[a-z0-9][a-z0-9._-]{0,63}$/i.test(opts.name))
    throw new DatasetImportError(
      "FORMAT_INVALID",
      `Dataset name "${opts.name}" must be 1–64 letters, digits, '.', '_' or '-'.`,
    );
  const srcStat = await fs.stat(opts.src).catch(() => null);
  if (!srcStat) throw new DatasetImportError("SOURCE_NOT_FOUND", `Nothing to import at ${opts.src}.`);
  if (!opts.overwrite && (await fs.stat(opts.outDir).catch(() => null)))
    throw new DatasetImportError(
      "TARGET_EXISTS",
      `A dataset already exists at ${opts.outDir}; choose another name or pass overwrite (--force).`,
    );

  const ctx: LoaderContext = { limits };
  let source: FileSource;
  if (srcStat.isFile() && (opts.format === "zip" || opts.src.toLowerCase().endsWith(".zip"))) {
    source = await openZipSource(opts.src, limits);
  } else if (opts.format === "zip") {
    throw new DatasetImportError(
      "FORMAT_INVALID",
      `Format "zip" needs a .zip file, and ${opts.src} is a folder.`,
    );
  } else if (srcStat.isFile() && opts.format === "jsonl") {
    source = await openDirSource(path.dirname(opts.src), limits);
    ctx.manifestPath = path.basename(opts.src);
  } else if (srcStat.isDirectory()) {
    source = await openDirSource(opts.src, limits);
  } else {
    throw new DatasetImportError("FORMAT_INVALID", `${opts.src} is neither a folder nor a zip file.`);
  }

  try {
    const found = await LOADERS[opts.format](source, ctx);
    const items = found.items;
    const skipped: SkippedItem[] = [...found.skipped];
    const n = items.length;
    const buffers = Object.fromEntries(sizes.map((s) => [s, new Uint8Array(n * s * s * 3)])) as Record<
      64 | 256,
      Uint8Array
    >;
    const captions: (string[] | null)[] = new Array(n).fill(null);
    const fileHashes: string[] = new Array(n);
    const pixelHashes: string[] = new Array(n);
    let done = 0;
    await mapPool(items, opts.concurrency ?? 2, async (item: SourceItem, i) => {
      try {
        const caps = await readCaptions(source, item, limits);
        const bytes = await source.read(item.image);
        const img = await decodeImage(bytes, item.image, {
          sizes,
          maxPixels: limits.maxPixels,
          bbox: item.bbox,
        });
        for (const s of sizes) buffers[s].set(img.rgb[s] as Uint8Array, i * s * s * 3);
        captions[i] = caps;
        fileHashes[i] = createHash("sha256").update(bytes).digest("hex");
        pixelHashes[i] = createHash("sha256")
          .update(img.rgb[sizes[0]] as Uint8Array)
          .digest("hex");
      } catch (err) {
        if (!(err instanceof DatasetImportError) || strict || !SKIPPABLE_CODES.has(err.code)) throw err;
        skipped.push({ file: err.file ?? item.image, code: err.code, reason: err.message });
      }
      opts.onProgress?.(++done, n);
    });

    // dedupe by content (file bytes, or identical decoded pixels), keeping the first; compact the buffers in place
    const seen = new Map<string, string>();
    const duplicates: { file: string; duplicateOf: string }[] = [];
    const kept: number[] = [];
    for (let i = 0; i < n; i++) {
      if (!captions[i]) continue;
      const first = seen.get(fileHashes[i]) ?? seen.get(pixelHashes[i]);
      if (first) {
        duplicates.push({ file: items[i].image, duplicateOf: first });
        continue;
      }
      seen.set(fileHashes[i], items[i].image);
      seen.set(pixelHashes[i], items[i].image);
      kept.push(i);
    }
    if (kept.length === 0)
      throw new DatasetImportError(
        "EMPTY_DATASET",
        `No usable captioned images in ${opts.src}` +
          (skipped.length
            ? ` (${skipped.length} skipped, first: ${skipped[0].file}: ${skipped[0].reason})`
            : "") +
          ".",
      );
    const images: Partial<Record<64 | 256, Uint8Array>> = {};
    for (const s of sizes) {
      const per = s * s * 3;
      kept.forEach((from, to) => {
        if (from !== to) buffers[s].copyWithin(to * per, from * per, (from + 1) * per);
      });
      images[s] = buffers[s].subarray(0, kept.length * per);
    }

    const keptItems = kept.map((i) => items[i]);
    const ids = uniqueIds(keptItems);
    const splits = assignSplits(
      keptItems.map((it, k) => ({ id: ids[k], class: it.class, split: it.split })),
      { ...DEFAULT_SPLIT_OPTIONS, ...opts.split },
    );
    let offset = 0;
    const records: DatasetRecord[] = keptItems.map((it, k) => {
      const caps = captions[kept[k]] as string[];
      const r: DatasetRecord = {
        id: ids[k],
        class: it.class,
        split: splits[k],
        captions: caps,
        embeddingOffset: offset,
      };
      r.meta = { file: it.image };
      offset += caps.length;
      return r;
    });
    const report = buildReport({
      name: opts.name,
      records,
      read: n,
      skipped,
      duplicates,
      ignoredFiles: found.ignoredFiles,
    });
    const manifest: DatasetManifest = {
      formatVersion: DATASET_FORMAT_VERSION,
      name: opts.name,
      hash: datasetContentHash(records, images),
      createdAt: new Date().toISOString(),
      source: found.source,
      licence: found.licence,
      count: records.length,
      captionCount: offset,
      imageSizes: sizes,
      splits: countSplits(splits),
      textEncoder: null,
      build: {
        importer: "lib/data/import-dataset.ts",
        format: opts.format,
        src: path.basename(opts.src),
        strict,
        split: { ...DEFAULT_SPLIT_OPTIONS, ...opts.split },
        limits,
      },
    };
    await writeDataset(
      opts.outDir,
      { manifest, records, images, embeddings: null },
      { "report.json": `${JSON.stringify(report, null, 2)}\n`, "report.txt": formatReport(report) },
    );
    return { manifest, report };
  } finally {
    await source.close();
  }
}

async function readCaptions(src: FileSource, item: SourceItem, limits: ImportLimits): Promise<string[]> {
  if (item.captionFile)
    return decodeCaptionFile(await src.read(item.captionFile), item.captionFile, limits.maxCaptionBytes);
  return checkInlineCaptions(item.captions ?? [], item.captionWhere ?? item.image, limits.maxCaptionBytes);
}

/** ids from the item's own id or its image path without extension, made unique with a suffix. */
function uniqueIds(items: readonly SourceItem[]): string[] {
  const used = new Set<string>();
  return items.map((it) => {
    const base = it.id ?? it.image.replace(/\.[a-z0-9]+$/i, "");
    let id = base;
    for (let k = 2; used.has(id); k++) id = `${base}-${k}`;
    used.add(id);
    return id;
  });
}
