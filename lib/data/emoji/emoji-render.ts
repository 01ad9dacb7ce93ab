import sharp from "sharp";
import type { EmojiArt } from "./emoji-catalog";

export interface RenderedEmoji {
  /** [256, 256, 4] RGBA as rasterised (transparent background), for colour measurement */
  rgba256: Uint8Array;
  /** [256, 256, 3] RGB on white */
  rgb256: Uint8Array;
  /** [64, 64, 3] RGB on white */
  rgb64: Uint8Array;
}

/** Rasterise one emoji (WebP or SVG) to 256 px, flatten onto white, and downscale to 64 px. */
export async function renderEmoji(art: EmojiArt): Promise<RenderedEmoji> {
  const input = art.svg ? Buffer.from(art.svg) : (art.file as string);
  let img = sharp(input, { limitInputPixels: 4096 * 4096 });
  if (art.style === "twemoji") img = sharp(input, { density: (72 * 256) / 36 }); // 36-unit viewBox → 256 px
  const rgba = await img
    .resize(256, 256, { fit: "contain", background: { r: 255, g: 255, b: 255, alpha: 0 } })
    .ensureAlpha()
    .raw()
    .toBuffer();
  const rgb256 = new Uint8Array(256 * 256 * 3);
  for (let p = 0, q = 0; p < rgba.length; p += 4, q += 3) {
    // alpha-composite onto white: out = a·c + (1 − a)·255
    const a = rgba[p + 3];
    rgb256[q] = (rgba[p] * a + 255 * (255 - a) + 127) / 255;
    rgb256[q + 1] = (rgba[p + 1] * a + 255 * (255 - a) + 127) / 255;
    rgb256[q + 2] = (rgba[p + 2] * a + 255 * (255 - a) + 127) / 255;
  }
  const rgb64 = await sharp(rgb256, { raw: { width: 256, height: 256, channels: 3 } })
    .resize(64, 64, { kernel: "lanczos3" })
    .raw()
    .toBuffer();
  return { rgba256: new Uint8Array(rgba), rgb256, rgb64: new Uint8Array(rgb64) };
}
