/**
 * Fixed-seed, fixed-caption sample grids: one row per caption (caption text on the left), one column per
 * noise seed. The same captions and noise are used at every step, so grids of a run are comparable.
 */
import type { LoadedDataset } from "../data";
import { type GanModel, generateImages, noiseFromSeed } from "../gan";

export interface SampleSpec {
  captions: string[];
  /** [rows, embDim] */
  embeddings: Float32Array;
  cols: number;
  seed: number;
}

/** One caption for each of up to `rows` classes, preferring held-out records. */
export function pickSampleSpec(ds: LoadedDataset, rows = 8, cols = 6, seed = 1234): SampleSpec {
  const dim = ds.manifest.textEncoder?.dim ?? 0;
  const emb = ds.embeddings;
  if (!emb || !dim) throw new Error("dataset has no embeddings");
  const ordered = [
    ...ds.records.filter((r) => r.split !== "train"),
    ...ds.records.filter((r) => r.split === "train"),
  ];
  const seen = new Set<string>();
  const distinct = ordered.filter((r) => !seen.has(r.class) && seen.add(r.class));
  // spread the rows over the whole list (datasets are often sorted by category: the first classes look alike)
  const step = Math.max(1, Math.floor(distinct.length / rows));
  const picked = Array.from({ length: Math.min(rows, distinct.length) }, (_, i) => distinct[i * step]);
  const embeddings = new Float32Array(picked.length * dim);
  picked.forEach((r, i) => {
    embeddings.set(emb.subarray(r.embeddingOffset * dim, (r.embeddingOffset + 1) * dim), i * dim);
  });
  return { captions: picked.map((r) => r.captions[0]), embeddings, cols, seed };
}

const escapeXml = (s: string) =>
  s.replace(
    /[<>&"']/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c] ?? c,
  );

/**
 * Write a PNG grid of uint8 RGB tiles ([rows·cols, size, size, 3], row-major by caption) with one caption per row.
 */
export async function writeImageGrid(
  file: string,
  tiles: Uint8Array,
  size: number,
  rows: number,
  cols: number,
  captions: string[],
): Promise<void> {
  const { default: sharp } = await import("sharp");
  const cell = Math.max(size, 64);
  const pad = 4;
  const textW = 240;
  const width = textW + cols * (cell + pad) + pad;
  const height = rows * (cell + pad) + pad;
  const composites: { input: Buffer; left: number; top: number }[] = [];
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      const raw = Buffer.from(tiles.subarray(i * size * size * 3, (i + 1) * size * size * 3));
      let img = sharp(raw, { raw: { width: size, height: size, channels: 3 } });
      if (cell !== size) img = img.resize(cell, cell, { kernel: "nearest" });
      composites.push({
        input: await img.png().toBuffer(),
        left: textW + pad + c * (cell + pad),
        top: pad + r * (cell + pad),
      });
    }
  const lines = captions
    .slice(0, rows)
    .map((cap, r) => {
      const t = cap.length > 34 ? `${cap.slice(0, 33)}…` : cap;
      const y = pad + r * (cell + pad) + cell / 2 + 5;
      return `<text x="8" y="${y}" font-family="sans-serif" font-size="13" fill="#e8e8e8">${escapeXml(t)}</text>`;
    })
    .join("");
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${textW}" height="${height}">${lines}</svg>`;
  composites.push({ input: Buffer.from(svg), left: 0, top: 0 });
  await sharp({ create: { width, height, channels: 3, background: { r: 20, g: 20, b: 24 } } })
    .composite(composites)
    .png()
    .toFile(file);
}

/** Generate the grid for `spec` with the model in inference mode and write it to `file`. */
export async function renderSampleGrid(model: GanModel, spec: SampleSpec, file: string): Promise<void> {
  const { embDim, zDim, cDim } = model.config;
  const rows = spec.captions.length;
  const noise1 = noiseFromSeed(spec.seed, spec.cols, zDim, cDim);
  // the same noise column for every caption: rows differ only in the text
  const z = new Float32Array(rows * spec.cols * zDim);
  const eps = new Float32Array(rows * spec.cols * cDim);
  const embeddings = new Float32Array(rows * spec.cols * embDim);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < spec.cols; c++) {
      const i = r * spec.cols + c;
      z.set(noise1.z.subarray(c * zDim, (c + 1) * zDim), i * zDim);
      eps.set(noise1.eps.subarray(c * cDim, (c + 1) * cDim), i * cDim);
      embeddings.set(spec.embeddings.subarray(r * embDim, (r + 1) * embDim), i * embDim);
    }
  const out = generateImages(model, { embeddings, noise: { z, eps } });
  const size = out.images256 ? 256 : 64;
  await writeImageGrid(file, out.images256 ?? out.images64, size, rows, spec.cols, spec.captions);
}

/** Nearest-neighbour zoom of square uint8 RGB tiles: [n, size, size, 3] → [n, size·z, size·z, 3]. */
export function zoomTiles(src: Uint8Array, n: number, size: number, z: number): Uint8Array {
  if (z === 1) return src;
  const S = size * z;
  const out = new Uint8Array(n * S * S * 3);
  for (let t = 0; t < n; t++)
    for (let y = 0; y < S; y++)
      for (let x = 0; x < S; x++) {
        const s = (t * size * size + Math.floor(y / z) * size + Math.floor(x / z)) * 3;
        out.set(src.subarray(s, s + 3), (t * S * S + y * S + x) * 3);
      }
  return out;
}
