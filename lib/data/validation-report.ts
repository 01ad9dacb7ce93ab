import type { DatasetRecord } from "./dataset-format";

/** What an import (or a check of a built folder) found, for the admin console (JSON) and people (text). */
export interface SkippedItem {
  file: string;
  code: string;
  reason: string;
}

export interface ValidationReport {
  name: string;
  images: { read: number; kept: number; skipped: number; duplicates: number };
  skipped: SkippedItem[];
  duplicates: { file: string; duplicateOf: string }[];
  ignoredFiles: number;
  captionsPerImage: { min: number; mean: number; max: number; histogram: Record<string, number> };
  captionWords: { min: number; mean: number; median: number; p95: number; max: number };
  vocabulary: { size: number; top: [string, number][] };
  classes: {
    count: number;
    minImages: number;
    meanImages: number;
    maxImages: number;
    smallest: [string, number][];
    largest: [string, number][];
  };
  splits: { train: number; val: number; test: number; testClasses: number; trainClasses: number };
}

export interface ReportInput {
  name: string;
  records: readonly DatasetRecord[];
  read?: number;
  skipped?: SkippedItem[];
  duplicates?: { file: string; duplicateOf: string }[];
  ignoredFiles?: number;
}

const round = (x: number) => Math.round(x * 100) / 100;

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

export function buildReport(input: ReportInput): ValidationReport {
  const { records } = input;
  const perImage = records.map((r) => r.captions.length);
  const hist: Record<string, number> = {};
  for (const n of perImage) hist[n] = (hist[n] ?? 0) + 1;
  const words: number[] = [];
  const vocab = new Map<string, number>();
  for (const r of records) {
    for (const c of r.captions) {
      const ws = c.toLowerCase().match(/[\p{L}\p{N}'-]+/gu) ?? [];
      words.push(ws.length);
      for (const w of ws) vocab.set(w, (vocab.get(w) ?? 0) + 1);
    }
  }
  words.sort((a, b) => a - b);
  const classCounts = new Map<string, number>();
  for (const r of records) classCounts.set(r.class, (classCounts.get(r.class) ?? 0) + 1);
  const byCount = [...classCounts.entries()].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
  const splits = { train: 0, val: 0, test: 0 };
  const testClasses = new Set<string>();
  const trainClasses = new Set<string>();
  for (const r of records) {
    splits[r.split]++;
    (r.split === "test" ? testClasses : trainClasses).add(r.class);
  }
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  return {
    name: input.name,
    images: {
      read: input.read ?? records.length,
      kept: records.length,
      skipped: input.skipped?.length ?? 0,
      duplicates: input.duplicates?.length ?? 0,
    },
    skipped: input.skipped ?? [],
    duplicates: input.duplicates ?? [],
    ignoredFiles: input.ignoredFiles ?? 0,
    captionsPerImage: {
      min: perImage.length ? Math.min(...perImage) : 0,
      mean: perImage.length ? round(sum(perImage) / perImage.length) : 0,
      max: perImage.length ? Math.max(...perImage) : 0,
      histogram: hist,
    },
    captionWords: {
      min: words[0] ?? 0,
      mean: words.length ? round(sum(words) / words.length) : 0,
      median: quantile(words, 0.5),
      p95: quantile(words, 0.95),
      max: words.at(-1) ?? 0,
    },
    vocabulary: { size: vocab.size, top: [...vocab.entries()].sort((a, b) => b[1] - a[1]).slice(0, 20) },
    classes: {
      count: classCounts.size,
      minImages: byCount[0]?.[1] ?? 0,
      meanImages: classCounts.size ? round(records.length / classCounts.size) : 0,
      maxImages: byCount.at(-1)?.[1] ?? 0,
      smallest: byCount.slice(0, 5),
      largest: byCount.slice(-5).reverse(),
    },
    splits: { ...splits, testClasses: testClasses.size, trainClasses: trainClasses.size },
  };
}

/** The same report as a short readable summary. */
export function formatReport(r: ValidationReport): string {
  const lines = [
    `Dataset "${r.name}"`,
    `  images: ${r.images.read} read, ${r.images.kept} kept, ${r.images.skipped} skipped, ${r.images.duplicates} duplicates` +
      (r.ignoredFiles ? `, ${r.ignoredFiles} other files ignored` : ""),
    `  splits: train ${r.splits.train}, val ${r.splits.val}, test ${r.splits.test} ` +
      `(${r.splits.trainClasses} training classes, ${r.splits.testClasses} test classes)`,
    `  classes: ${r.classes.count}, images per class min ${r.classes.minImages} / mean ${r.classes.meanImages} / max ${r.classes.maxImages}`,
    `  captions per image: min ${r.captionsPerImage.min}, mean ${r.captionsPerImage.mean}, max ${r.captionsPerImage.max}`,
    `  words per caption: min ${r.captionWords.min}, median ${r.captionWords.median}, mean ${r.captionWords.mean}, p95 ${r.captionWords.p95}, max ${r.captionWords.max}`,
    `  vocabulary: ${r.vocabulary.size} words; most common: ${r.vocabulary.top
      .slice(0, 10)
      .map(([w, n]) => `${w} (${n})`)
      .join(", ")}`,
  ];
  if (r.skipped.length) {
    lines.push("  skipped:");
    for (const s of r.skipped.slice(0, 20)) lines.push(`    ${s.file}: ${s.reason}`);
    if (r.skipped.length > 20) lines.push(`    ... and ${r.skipped.length - 20} more (see report.json)`);
  }
  if (r.duplicates.length) {
    lines.push("  duplicates (dropped):");
    for (const d of r.duplicates.slice(0, 10)) lines.push(`    ${d.file} = ${d.duplicateOf}`);
    if (r.duplicates.length > 10) lines.push(`    ... and ${r.duplicates.length - 10} more`);
  }
  return `${lines.join("\n")}\n`;
}
