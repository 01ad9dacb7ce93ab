/**
 * A generated image's recipe travels inside its PNG:
 *  - `parameters`: the plain-text convention other image tools read ("<prompt>\nSeed: 1, Size: 256x256, Model: …"),
 *    as tEXt when the text is Latin-1, else as iTXt (UTF-8);
 *  - `ganvas:recipe`: the same recipe as JSON in an iTXt chunk, for machines.
 * Chunks go right after IHDR, so streaming readers meet them before the pixels.
 */
import zlib from "node:zlib";

export interface Recipe {
  prompt: string;
  seed: number;
  modelVersion: string;
  width: number;
  height: number;
  truncation: number;
  /** index of this image in a batch generated from one seed (noise = f(seed, index)) */
  index?: number;
  /** "more like this": variation strength around the base noise */
  variation?: { of: number; strength: number };
  textEncoder?: string;
  generator: "ganvas";
  createdAt?: string;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(typeAndData) >>> 0);
  return Buffer.concat([len, typeAndData, crc]);
}

const isLatin1 = (s: string) => [...s].every((c) => (c.codePointAt(0) ?? 0) <= 0xff);

function textChunk(keyword: string, text: string): Buffer {
  if (isLatin1(text))
    return chunk("tEXt", Buffer.concat([Buffer.from(`${keyword}\0`, "latin1"), Buffer.from(text, "latin1")]));
  // iTXt: keyword \0 compression-flag(0) compression-method(0) language-tag \0 translated-keyword \0 text(UTF-8)
  return chunk(
    "iTXt",
    Buffer.concat([
      Buffer.from(`${keyword}\0`, "latin1"),
      Buffer.from([0, 0, 0, 0]),
      Buffer.from(text, "utf8"),
    ]),
  );
}

/** The human-readable `parameters` text. */
export function formatParameters(r: Recipe): string {
  const parts = [
    `Seed: ${r.seed}`,
    `Size: ${r.width}x${r.height}`,
    `Model: ${r.modelVersion}`,
    `Truncation: ${r.truncation}`,
    "Sampler: StackGAN single pass",
  ];
  if (r.index !== undefined) parts.push(`Batch index: ${r.index}`);
  if (r.variation) parts.push(`Variation of: ${r.variation.of}, Variation strength: ${r.variation.strength}`);
  if (r.textEncoder) parts.push(`Text encoder: ${r.textEncoder}`);
  return `${r.prompt}\n${parts.join(", ")}`;
}

/** Insert the recipe chunks into an encoded PNG (any existing recipe chunks are replaced). */
export function embedRecipe(png: Uint8Array, recipe: Recipe): Buffer {
  const buf = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  if (!buf.subarray(0, 8).equals(SIGNATURE)) throw new Error("embedRecipe: not a PNG");
  const chunks = splitChunks(buf).filter((c) => {
    const kw = c.type === "tEXt" || c.type === "iTXt" ? keywordOf(c.data) : null;
    return kw !== "parameters" && kw !== "ganvas:recipe";
  });
  const ihdrEnd = chunks.findIndex((c) => c.type === "IHDR") + 1;
  const extra = [
    textChunk("parameters", formatParameters(recipe)),
    textChunk("ganvas:recipe", JSON.stringify(recipe)),
  ];
  const encoded = chunks.map((c) => chunk(c.type, c.data));
  return Buffer.concat([SIGNATURE, ...encoded.slice(0, ihdrEnd), ...extra, ...encoded.slice(ihdrEnd)]);
}

interface RawChunk {
  type: string;
  data: Buffer;
}

function splitChunks(buf: Buffer): RawChunk[] {
  const out: RawChunk[] = [];
  let off = 8;
  while (off + 12 <= buf.length) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString("latin1", off + 4, off + 8);
    if (off + 12 + len > buf.length) throw new Error("PNG is truncated");
    out.push({ type, data: buf.subarray(off + 8, off + 8 + len) });
    off += 12 + len;
    if (type === "IEND") break;
  }
  return out;
}

function keywordOf(data: Buffer): string {
  const nul = data.indexOf(0);
  return data.toString("latin1", 0, nul < 0 ? data.length : nul);
}

/** Every text chunk of a PNG as keyword → text (tEXt and uncompressed iTXt). */
export function readTextChunks(png: Uint8Array): Record<string, string> {
  const buf = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  if (!buf.subarray(0, 8).equals(SIGNATURE)) throw new Error("not a PNG");
  const out: Record<string, string> = {};
  for (const c of splitChunks(buf)) {
    if (c.type === "tEXt") {
      const kw = keywordOf(c.data);
      out[kw] = c.data.toString("latin1", kw.length + 1);
    } else if (c.type === "iTXt") {
      const kw = keywordOf(c.data);
      let p = kw.length + 1;
      const compressed = c.data[p];
      p += 2;
      p = c.data.indexOf(0, p) + 1; // language tag
      p = c.data.indexOf(0, p) + 1; // translated keyword
      const body = c.data.subarray(p);
      out[kw] = (compressed ? zlib.inflateSync(body) : body).toString("utf8");
    }
  }
  return out;
}

/** The recipe embedded by `embedRecipe`, or null when the PNG has none. */
export function readRecipe(png: Uint8Array): Recipe | null {
  const json = readTextChunks(png)["ganvas:recipe"];
  return json ? (JSON.parse(json) as Recipe) : null;
}
