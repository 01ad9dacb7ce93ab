/**
 * A synthetic captioned set of coloured shapes on a dark background, for tests and smoke runs of the trainer:
 * the caption fixes colour and shape, so a conditional generator can be checked by measuring its outputs
 * (classifySyntheticImage). Captions are embedded with a deterministic bag-of-words embedding
 * (text encoder id "synthetic-bow"), so nothing depends on the real text encoder.
 */
import { createHash } from "node:crypto";
import { mixSeed, Rng } from "../random";
import { DATASET_FORMAT_VERSION, type DatasetRecord, writeDataset } from "./dataset-format";

export const SYNTHETIC_BOW_ID = "synthetic-bow";
export const SYNTHETIC_COLOURS = {
  red: [220, 40, 40],
  green: [40, 200, 60],
  blue: [50, 90, 235],
  yellow: [235, 215, 40],
} as const;
export type SyntheticColour = keyof typeof SYNTHETIC_COLOURS;
export const SYNTHETIC_SHAPES = ["circle", "square", "triangle"] as const;
export type SyntheticShape = (typeof SYNTHETIC_SHAPES)[number];
const BACKGROUND = [24, 24, 28] as const;

/** Deterministic bag-of-words embedding: Σ over words of a fixed random vector per word, L2-normalised. */
export function syntheticBowEmbed(text: string, dim: number): Float32Array {
  const out = new Float32Array(dim);
  for (const word of text.toLowerCase().match(/[a-z]+/g) ?? []) {
    const v = new Rng(mixSeed(0x5eed, word)).normals(dim);
    for (let i = 0; i < dim; i++) out[i] += v[i];
  }
  const norm = Math.hypot(...out) || 1;
  for (let i = 0; i < dim; i++) out[i] /= norm;
  return out;
}

function inside(shape: SyntheticShape, dx: number, dy: number, r: number): boolean {
  if (shape === "circle") return dx * dx + dy * dy <= r * r;
  if (shape === "square") return Math.abs(dx) <= r * 0.85 && Math.abs(dy) <= r * 0.85;
  // upward triangle with apex at (0, −r) and base at y = r
  return dy <= r && dy >= -r && Math.abs(dx) <= ((dy + r) / 2) * 1.0;
}

/** Draw one [size, size, 3] image; geometry is given in 64 px units and scaled. */
export function drawSyntheticShape(
  colour: SyntheticColour,
  shape: SyntheticShape,
  size: number,
  geom: { cx: number; cy: number; r: number },
): Uint8Array {
  const img = new Uint8Array(size * size * 3);
  const s = size / 64;
  const rgb = SYNTHETIC_COLOURS[colour];
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const on = inside(shape, (x + 0.5) / s - geom.cx, (y + 0.5) / s - geom.cy, geom.r);
      const c = on ? rgb : BACKGROUND;
      img.set(c, (y * size + x) * 3);
    }
  return img;
}

const TEMPLATES = ["a {c} {s}", "a {s} that is {c}", "one {c} {s} on a dark background", "{c} {s}"];

export interface SyntheticShapesOptions {
  count: number;
  seed?: number;
  /** embedding size (default 32) */
  dim?: number;
  colours?: SyntheticColour[];
  shapes?: SyntheticShape[];
  sizes?: (64 | 256)[];
}

/** Build the set in memory and write it as a normal dataset folder. Returns the manifest hash. */
export async function writeSyntheticShapesDataset(
  dir: string,
  opts: SyntheticShapesOptions,
): Promise<string> {
  const dim = opts.dim ?? 32;
  const colours = opts.colours ?? (Object.keys(SYNTHETIC_COLOURS) as SyntheticColour[]);
  const shapes = opts.shapes ?? [...SYNTHETIC_SHAPES];
  const sizes = opts.sizes ?? [64];
  const rng = new Rng(opts.seed ?? 7);
  const records: DatasetRecord[] = [];
  const images: Record<number, Uint8Array> = {};
  for (const size of sizes) images[size] = new Uint8Array(opts.count * size * size * 3);
  const captions: string[] = [];
  for (let i = 0; i < opts.count; i++) {
    const colour = colours[i % colours.length];
    const shape = shapes[Math.floor(i / colours.length) % shapes.length];
    const geom = {
      cx: 32 + (rng.next() - 0.5) * 12,
      cy: 32 + (rng.next() - 0.5) * 12,
      r: 13 + rng.next() * 7,
    };
    for (const size of sizes)
      images[size].set(drawSyntheticShape(colour, shape, size, geom), i * size * size * 3);
    const caps = [0, 1].map(() =>
      TEMPLATES[rng.int(TEMPLATES.length)].replace("{c}", colour).replace("{s}", shape),
    );
    records.push({
      id: `shape-${i}`,
      class: `${colour} ${shape}`,
      split: i % 10 === 9 ? "val" : "train",
      captions: caps,
      embeddingOffset: captions.length,
      meta: { colour, shape },
    });
    captions.push(...caps);
  }
  const embeddings = new Float32Array(captions.length * dim);
  captions.forEach((c, i) => {
    embeddings.set(syntheticBowEmbed(c, dim), i * dim);
  });
  const hash = createHash("sha256");
  for (const size of sizes) hash.update(images[size]);
  hash.update(JSON.stringify(records));
  const digest = hash.digest("hex").slice(0, 16);
  const val = records.filter((r) => r.split === "val").length;
  await writeDataset(dir, {
    manifest: {
      formatVersion: DATASET_FORMAT_VERSION,
      name: "synthetic-shapes",
      hash: digest,
      createdAt: new Date(0).toISOString(),
      source: "synthetic",
      licence: "CC0-1.0",
      count: opts.count,
      captionCount: captions.length,
      imageSizes: sizes,
      splits: { train: opts.count - val, val, test: 0 },
      textEncoder: { id: SYNTHETIC_BOW_ID, dim },
    },
    records,
    images,
    embeddings,
  });
  return digest;
}

/**
 * Measure a [size,size,3] image. Background = median of the border pixels; foreground = pixels that differ
 * from it (max channel difference) by more than half the largest difference in the image (at least 25),
 * so faint, low-contrast generator outputs are measured too. Colour = palette colour whose direction from
 * the background best matches the foreground's (cosine); shape from how much of its bounding box the
 * foreground fills (square ≈ 1, circle ≈ 0.79, triangle ≈ 0.5).
 */
export function classifySyntheticImage(
  img: Uint8Array,
  opts: { size?: number; colours?: readonly SyntheticColour[]; shapes?: readonly SyntheticShape[] } = {},
): { colour: SyntheticColour; shape: SyntheticShape; foreground: number } {
  const size = opts.size ?? 64;
  const colours = opts.colours ?? (Object.keys(SYNTHETIC_COLOURS) as SyntheticColour[]);
  const shapes = opts.shapes ?? SYNTHETIC_SHAPES;
  const border: number[][] = [[], [], []];
  for (let i = 0; i < size; i++)
    for (const [x, y] of [
      [i, 0],
      [i, size - 1],
      [0, i],
      [size - 1, i],
    ])
      for (let k = 0; k < 3; k++) border[k].push(img[(y * size + x) * 3 + k]);
  const bg = border.map((v) => v.sort((a, b) => a - b)[v.length >> 1]);
  const dist = new Float32Array(size * size);
  let maxDist = 0;
  for (let p = 0; p < size * size; p++) {
    const o = p * 3;
    dist[p] = Math.max(Math.abs(img[o] - bg[0]), Math.abs(img[o + 1] - bg[1]), Math.abs(img[o + 2] - bg[2]));
    maxDist = Math.max(maxDist, dist[p]);
  }
  const thr = Math.max(25, maxDist / 2);
  let n = 0;
  const sum = [0, 0, 0];
  let x0 = size;
  let y0 = size;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      if (dist[y * size + x] < thr) continue;
      const o = (y * size + x) * 3;
      n++;
      for (let k = 0; k < 3; k++) sum[k] += img[o + k] - bg[k];
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x);
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y);
    }
  const dir = sum.map((v) => v / Math.max(n, 1));
  let colour: SyntheticColour = "red";
  let best = -Infinity;
  for (const name of colours) {
    const rgb = SYNTHETIC_COLOURS[name];
    const ref = rgb.map((v, k) => v - BACKGROUND[k]);
    const cos =
      (ref[0] * dir[0] + ref[1] * dir[1] + ref[2] * dir[2]) / (Math.hypot(...ref) * Math.hypot(...dir) || 1);
    if (cos > best) [best, colour] = [cos, name];
  }
  const fill = n / Math.max(1, (x1 - x0 + 1) * (y1 - y0 + 1));
  // nearest typical fill among the candidate shapes
  const typical: Record<SyntheticShape, number> = { square: 1, circle: Math.PI / 4, triangle: 0.5 };
  const shape = [...shapes].sort((a, b) => Math.abs(fill - typical[a]) - Math.abs(fill - typical[b]))[0];
  return { colour, shape, foreground: n / (size * size) };
}
