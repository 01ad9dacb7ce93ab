import { zipSync } from "fflate";
import sharp from "sharp";

const COLORS: Record<string, [number, number, number]> = {
  red: [220, 30, 30],
  green: [30, 170, 60],
  blue: [40, 70, 220],
  yellow: [240, 210, 30],
};

/** A small captioned dataset as a zip (folder layout: image + same-name .txt): coloured circles and squares. */
export async function shapesZip(): Promise<Buffer> {
  const files: Record<string, Uint8Array> = {};
  for (const [color, [r, g, b]] of Object.entries(COLORS)) {
    for (const shape of ["circle", "square"]) {
      for (let v = 0; v < 5; v++) {
        const size = 28 + v * 6;
        const off = (64 - size) / 2;
        const fill = `rgb(${r},${g},${b})`;
        const body =
          shape === "circle"
            ? `<circle cx="32" cy="32" r="${size / 2}" fill="${fill}"/>`
            : `<rect x="${off}" y="${off}" width="${size}" height="${size}" fill="${fill}"/>`;
        const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64" fill="white"/>${body}</svg>`;
        const png = await sharp(Buffer.from(svg)).png().toBuffer();
        // one folder (class) per colour and shape: 8 classes of 5 images
        const name = `${color}-${shape}s/${color}-${shape}-${v}`;
        files[`${name}.png`] = new Uint8Array(png);
        files[`${name}.txt`] = new TextEncoder().encode(
          `a ${color} ${shape}\na ${shape} in ${color}\na simple ${color} ${shape} on white\n`,
        );
      }
    }
  }
  return Buffer.from(zipSync(files));
}
