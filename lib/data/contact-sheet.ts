import sharp from "sharp";
import { loadDataset } from "./dataset-format";
import { hash32 } from "./seeded-hash";

export interface ContactSheetOptions {
  count?: number;
  seed?: number;
  columns?: number;
  /** which caption of each record to print: the first (default) or a seeded random one */
  caption?: "first" | "random";
}

const TILE_W = 200;
const IMG = 128;
const TEXT_H = 58;

/** A PNG grid of random samples from a dataset folder, each 64-px image scaled to 128 px with its caption below. */
export async function contactSheet(dir: string, opts: ContactSheetOptions = {}): Promise<Uint8Array> {
  const ds = await loadDataset(dir, { sizes: [64] });
  const images = ds.images[64] as Uint8Array;
  const seed = opts.seed ?? 0;
  const count = Math.min(opts.count ?? 64, ds.records.length);
  const cols = opts.columns ?? 8;
  const picks = ds.records
    .map((r, i) => ({ i, h: hash32(r.id, seed + 1) }))
    .sort((a, b) => a.h - b.h)
    .slice(0, count)
    .map((x) => x.i);
  const rows = Math.ceil(count / cols);
  const width = cols * TILE_W;
  const height = rows * (IMG + TEXT_H);
  const texts: string[] = [];
  const tiles: sharp.OverlayOptions[] = [];
  for (let k = 0; k < picks.length; k++) {
    const i = picks[k];
    const r = ds.records[i];
    const x = (k % cols) * TILE_W;
    const y = Math.floor(k / cols) * (IMG + TEXT_H);
    const px = images.subarray(i * 64 * 64 * 3, (i + 1) * 64 * 64 * 3);
    const tile = await sharp(px, { raw: { width: 64, height: 64, channels: 3 } })
      .resize(IMG, IMG, { kernel: "nearest" })
      .png()
      .toBuffer();
    tiles.push({ input: tile, left: x + (TILE_W - IMG) / 2, top: y });
    const caption =
      opts.caption === "random" ? r.captions[hash32(r.id, seed) % r.captions.length] : r.captions[0];
    wrap(caption, 34)
      .slice(0, 3)
      .forEach((line, j) => {
        texts.push(
          `<text x="${x + TILE_W / 2}" y="${y + IMG + 14 + j * 14}" text-anchor="middle">${escapeXml(line)}</text>`,
        );
      });
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#fff"/><g font-family="DejaVu Sans, sans-serif" font-size="11" fill="#222">${texts.join("")}</g></svg>`;
  const png = await sharp(Buffer.from(svg)).composite(tiles).png().toBuffer();
  return new Uint8Array(png);
}

function wrap(s: string, width: number): string[] {
  const lines: string[] = [];
  let cur = "";
  for (const w of s.split(" ")) {
    if (cur && cur.length + 1 + w.length > width) {
      lines.push(cur);
      cur = w;
    } else cur = cur ? `${cur} ${w}` : w;
  }
  if (cur) lines.push(cur);
  return lines;
}

function escapeXml(s: string): string {
  return s.replace(
    /[<>&"']/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c] as string,
  );
}
