import { promises as fs } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { datasetContentHash } from "../content-hash";
import {
  DATASET_FORMAT_VERSION,
  type DatasetManifest,
  type DatasetRecord,
  writeDataset,
} from "../dataset-format";
import { mapPool } from "../promise-pool";
import { hash32 } from "../seeded-hash";
import { assignSplits, countSplits, DEFAULT_SPLIT_OPTIONS } from "../splits";
import { buildReport, formatReport, type ValidationReport } from "../validation-report";
import { type ColourName, colourShares, dominantColours } from "./colour-names";
import { emojiCaptions } from "./emoji-captions";
import { EMOJI_STYLES, type EmojiArt, findEmojiArt, loadEmojiEntries, packageVersion } from "./emoji-catalog";
import { renderEmoji } from "./emoji-render";
import { commonName, commonNouns, labelVocabulary } from "./emoji-words";

export interface BuildEmojiOptions {
  outDir: string;
  seed?: number;
  /** build only this many images (a seeded sample), for development and tests */
  limit?: number;
  /** toned variants kept per emoji and style besides the default yellow one */
  skinVariantsPerStyle?: number;
  captionsPerImage?: number;
  /** add a caption with the common noun people type ("a blue car" for the sport utility vehicle; on by default) */
  commonNames?: boolean;
  concurrency?: number;
  onProgress?: (phase: "render" | "write", done: number, total: number) => void;
}

export interface BuildEmojiResult {
  manifest: DatasetManifest;
  report: ValidationReport;
  seconds: number;
}

/**
 * Emoji the README's example prompts name ("a smiling face with sunglasses", "a green tree": the palm tree is its
 * nearest caption; the red heart, the trees, the cars, the flag of Japan, the cat face): never held out as test
 * classes, so the shipped model learns them. The test split keeps its size (the next class of each group takes the place).
 */
export const SHOWCASE_CLASSES: ReadonlySet<string> = new Set([
  "2764",
  "1f60e",
  "1f334",
  "1f332",
  "1f333",
  "1f697",
  "1f698",
  "1f699",
  "1f1ef-1f1f5",
  "1f431",
]);

const SOURCE_PACKAGES = ["@lobehub/fluent-emoji-3d", "@iconify-json/noto", "@twemoji/svg", "emojibase-data"];
/** this folder, looked up at call time: lib/data may be bundled (admin console), where only the CLI builds emoji */
const here = () => path.dirname(fileURLToPath(import.meta.url));
const STYLE_SOURCE = {
  fluent: "@lobehub/fluent-emoji-3d",
  noto: "@iconify-json/noto",
  twemoji: "@twemoji/svg",
};

/**
 * Build the default emoji dataset from the npm packages, offline: pick the art, rasterise it (256 and 64 px RGB on
 * white), measure colours, write captions, split by emoji kind, and write the dataset folder atomically with
 * browsable 64-px PNGs, licence files and a validation report. Embeddings are added separately (embedDatasetCaptions).
 */
export async function buildEmojiDataset(opts: BuildEmojiOptions): Promise<BuildEmojiResult> {
  const t0 = performance.now();
  const seed = opts.seed ?? 0;
  const skinVariantsPerStyle = opts.skinVariantsPerStyle ?? 1;
  const captionsPerImage = opts.captionsPerImage ?? 8;
  const entries = loadEmojiEntries();
  const vocabulary = labelVocabulary(entries);
  const nouns = (opts.commonNames ?? true) ? commonNouns(entries) : null;
  let art = findEmojiArt(entries, { seed, skinVariantsPerStyle });
  if (opts.limit !== undefined && opts.limit < art.length) {
    const chosen = new Set(
      art
        .map((a, i) => ({ i, h: hash32(`${a.style}/${a.entry.hex}`, seed) }))
        .sort((a, b) => a.h - b.h)
        .slice(0, opts.limit)
        .map((x) => x.i),
    );
    art = art.filter((_, i) => chosen.has(i));
  }
  const n = art.length;
  const images64 = new Uint8Array(n * 64 * 64 * 3); // [N, 64, 64, 3]
  const images256 = new Uint8Array(n * 256 * 256 * 3); // [N, 256, 256, 3]
  const pngs: Record<string, Uint8Array> = {};
  const colours: ColourName[][] = new Array(n);
  // parallelism comes from the pool: one libvips thread per in-flight image (restored afterwards)
  const vipsThreads = sharp.concurrency();
  sharp.concurrency(1);
  let done = 0;
  await mapPool(art, opts.concurrency ?? 2, async (a: EmojiArt, i) => {
    const r = await renderEmoji(a);
    images256.set(r.rgb256, i * 256 * 256 * 3);
    images64.set(r.rgb64, i * 64 * 64 * 3);
    const shares = colourShares(r.rgba256);
    colours[i] =
      a.entry.group === "flags"
        ? shares
            .filter((s) => s.share >= 0.12)
            .slice(0, 3)
            .map((s) => s.name)
        : smileyYellow(a, dominantColours(shares));
    pngs[pngPath(a)] = new Uint8Array(
      await sharp(r.rgb64, { raw: { width: 64, height: 64, channels: 3 } })
        .png({ compressionLevel: 9 })
        .toBuffer(),
    );
    opts.onProgress?.("render", ++done, n);
  }).finally(() => sharp.concurrency(vipsThreads));

  const splits = assignSplits(
    art.map((a) => ({ id: `${a.style}/${a.entry.hex}`, class: a.entry.kind, group: a.entry.group })),
    { ...DEFAULT_SPLIT_OPTIONS, seed, keepInTraining: SHOWCASE_CLASSES },
  );
  let offset = 0;
  const records: DatasetRecord[] = art.map((a, i) => {
    const captions = emojiCaptions({
      entry: a.entry,
      style: a.style,
      colours: colours[i],
      vocabulary,
      seed,
      count: captionsPerImage,
      commonName: nouns ? commonName(a.entry, nouns) : undefined,
    });
    const rec: DatasetRecord = {
      id: `${a.style}/${a.entry.hex}`,
      class: a.entry.kind,
      split: splits[i],
      captions,
      embeddingOffset: offset,
      png: pngPath(a),
      meta: {
        style: a.style,
        source: STYLE_SOURCE[a.style],
        label: a.entry.label,
        group: a.entry.group,
        subgroup: a.entry.subgroup,
        tones: a.entry.tones,
        colours: colours[i],
      },
    };
    offset += captions.length;
    return rec;
  });
  const images = { 64: images64, 256: images256 };
  const report = buildReport({ name: "emoji", records });
  const styles = Object.fromEntries(EMOJI_STYLES.map((s) => [s, art.filter((a) => a.style === s).length]));
  const manifest: DatasetManifest = {
    formatVersion: DATASET_FORMAT_VERSION,
    name: "emoji",
    hash: datasetContentHash(records, images),
    createdAt: new Date().toISOString(),
    source:
      "Emoji art in three styles: Fluent Emoji 3D (@lobehub/fluent-emoji-3d), Noto Emoji (@iconify-json/noto), " +
      "Twemoji (@twemoji/svg); names, tags and groups from emojibase-data",
    licence:
      "Fluent Emoji: MIT (Microsoft); Noto Emoji: Apache-2.0 (Google); Twemoji: CC-BY-4.0 (Twitter, jdecked), attribution required; emojibase-data: MIT",
    count: n,
    captionCount: offset,
    imageSizes: [64, 256],
    splits: countSplits(splits),
    textEncoder: null,
    build: {
      builder: "lib/data/emoji/build-emoji.ts",
      seed,
      limit: opts.limit ?? null,
      skinVariantsPerStyle,
      captionsPerImage,
      classes: report.classes.count,
      testClasses: report.splits.testClasses,
      styles,
      packages: Object.fromEntries(SOURCE_PACKAGES.map((p) => [p, packageVersion(p)])),
      splitRule:
        "test: 20% of emoji kinds per emoji group, never seen in training; val: ~5% of training images",
    },
  };
  const extra: Record<string, string | Uint8Array> = {
    ...pngs,
    "report.json": `${JSON.stringify(report, null, 2)}\n`,
    "report.txt": formatReport(report),
    "ATTRIBUTION.md": await fs.readFile(path.join(here(), "ATTRIBUTION.md"), "utf8"),
  };
  for (const f of await fs.readdir(path.join(here(), "licences")))
    extra[f] = await fs.readFile(path.join(here(), "licences", f));
  opts.onProgress?.("write", 0, 1);
  await writeDataset(opts.outDir, { manifest, records, images, embeddings: null }, extra);
  opts.onProgress?.("write", 1, 1);
  return { manifest, report, seconds: (performance.now() - t0) / 1000 };
}

/**
 * Fluent's 3D smileys are shaded from orange-yellow to yellow (hue ~26–44°, straddling the orange/yellow line);
 * everyone calls them yellow faces, so a smiley's "orange" is said as "yellow".
 */
function smileyYellow(a: EmojiArt, colours: ColourName[]): ColourName[] {
  const smiley = a.entry.subgroup.startsWith("face-") || a.entry.subgroup === "cat-face";
  return smiley ? [...new Set(colours.map((c) => (c === "orange" ? "yellow" : c)))] : colours;
}

function pngPath(a: EmojiArt): string {
  return `png/${a.style}/${a.entry.hex}.png`;
}
