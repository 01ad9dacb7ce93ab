import sharp from "sharp";
import { DatasetImportError } from "./import-error";

/** Raster formats accepted from uploads. SVG is refused: it can reference other files. */
const ACCEPTED_FORMATS = new Set(["jpeg", "png", "webp", "gif", "tiff"]);

export interface DecodeOptions {
  sizes: readonly (64 | 256)[];
  maxPixels: number;
  /** bounding box [x, y, w, h] in source pixels: crop the StackGAN way (square of 1.5 × the longer side) */
  bbox?: readonly [number, number, number, number];
}

export interface DecodedImage {
  width: number;
  height: number;
  format: string;
  /** [size, size, 3] RGB per requested size */
  rgb: Partial<Record<64 | 256, Uint8Array>>;
}

/** StackGAN's crop: a square of side 1.5 × max(w, h) around the box centre, clipped to the image. */
export function stackganCrop(
  bbox: readonly [number, number, number, number],
  width: number,
  height: number,
): { left: number; top: number; width: number; height: number } {
  const [x, y, w, h] = bbox;
  const r = Math.floor(Math.max(w, h) * 0.75);
  const cx = Math.floor((2 * x + w) / 2);
  const cy = Math.floor((2 * y + h) / 2);
  const x1 = Math.max(0, cx - r);
  const y1 = Math.max(0, cy - r);
  const x2 = Math.min(width, cx + r);
  const y2 = Math.min(height, cy + r);
  return { left: x1, top: y1, width: Math.max(1, x2 - x1), height: Math.max(1, y2 - y1) };
}

/**
 * Decode an uploaded image: check its header (format, pixel count) before decoding, refuse truncated data,
 * crop, flatten transparency onto white, and resize to each square size (cover: centre crop; after a bbox crop: fill,
 * as StackGAN does).
 */
export async function decodeImage(
  bytes: Uint8Array,
  file: string,
  opts: DecodeOptions,
): Promise<DecodedImage> {
  let meta: sharp.Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (err) {
    // the signature says image but the header does not parse: a cut-off or damaged file
    if (sniffImage(bytes))
      throw new DatasetImportError(
        "IMAGE_TRUNCATED",
        `"${file}" is truncated or corrupt (${firstLine(err instanceof Error ? err.message : String(err))}).`,
        file,
      );
    throw new DatasetImportError(
      "NOT_AN_IMAGE",
      `"${file}" is not an image (its bytes are not PNG, JPEG, WebP, GIF or TIFF).`,
      file,
    );
  }
  if (!meta.format || !ACCEPTED_FORMATS.has(meta.format))
    throw new DatasetImportError(
      "NOT_AN_IMAGE",
      `"${file}" is a ${meta.format ?? "unknown"} file; only PNG, JPEG, WebP, GIF and TIFF images are accepted.`,
      file,
    );
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (width * height > opts.maxPixels || width <= 0 || height <= 0)
    throw new DatasetImportError(
      "IMAGE_TOO_LARGE",
      `"${file}" is ${width}×${height} pixels, more than limits.maxPixels (${opts.maxPixels}): refused as a decompression bomb.`,
      file,
    );
  const rgb: DecodedImage["rgb"] = {};
  try {
    let base = sharp(bytes, { limitInputPixels: opts.maxPixels, failOn: "truncated" });
    let fit: "cover" | "fill" = "cover";
    if (opts.bbox) {
      base = base.extract(stackganCrop(opts.bbox, width, height));
      fit = "fill";
    }
    // decode once to a flattened RGB buffer; every size is resized from it
    const big = Math.max(...opts.sizes);
    const top = await base
      .flatten({ background: "#ffffff" })
      .resize(big, big, { fit, kernel: "lanczos3" })
      .removeAlpha()
      .raw()
      .toBuffer();
    rgb[big as 64 | 256] = new Uint8Array(top);
    for (const size of opts.sizes) {
      if (size === big) continue;
      const small = await sharp(top, { raw: { width: big, height: big, channels: 3 } })
        .resize(size, size, { kernel: "lanczos3" })
        .raw()
        .toBuffer();
      rgb[size] = new Uint8Array(small);
    }
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    if (/truncat|premature|end of (file|data|stream)|incomplete|short read|corrupt|damaged/i.test(msg))
      throw new DatasetImportError(
        "IMAGE_TRUNCATED",
        `"${file}" is truncated or corrupt (${firstLine(msg)}).`,
        file,
      );
    throw new DatasetImportError("NOT_AN_IMAGE", `"${file}" could not be decoded (${firstLine(msg)}).`, file);
  }
  return { width, height, format: meta.format, rgb };
}

/** The raster format named by the file's magic number, if any. */
export function sniffImage(b: Uint8Array): string | undefined {
  const ascii = (from: number, to: number) => String.fromCharCode(...b.subarray(from, to));
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "jpeg";
  if (b[0] === 0x89 && ascii(1, 4) === "PNG") return "png";
  if (ascii(0, 4) === "GIF8") return "gif";
  if (ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP") return "webp";
  if (ascii(0, 4) === "II*\0" || ascii(0, 4) === "MM\0*") return "tiff";
  return undefined;
}

function firstLine(s: string): string {
  return s.split("\n")[0].slice(0, 200);
}
