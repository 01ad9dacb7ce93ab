/**
 * Name the dominant colours of a picture from its pixels, in the words a person would use
 * ("red", "yellow", "light blue"...). Only opaque pixels count, so the white background never wins.
 */
export type ColourName =
  | "red"
  | "orange"
  | "yellow"
  | "green"
  | "blue"
  | "light blue"
  | "purple"
  | "pink"
  | "brown"
  | "beige"
  | "black"
  | "gray"
  | "white";

/** Name one sRGB colour (0..255 channels). */
export function nameColour(r: number, g: number, b: number): ColourName {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const v = max / 255;
  const s = max === 0 ? 0 : (max - min) / max;
  let h = 0;
  if (max !== min) {
    if (max === r) h = (60 * (g - b)) / (max - min);
    else if (max === g) h = 60 * (2 + (b - r) / (max - min));
    else h = 60 * (4 + (r - g) / (max - min));
    if (h < 0) h += 360;
  }
  if (v < 0.22 || (v < 0.4 && s < 0.5)) return "black";
  // bluish greys (#99AAB5) are what people call grey
  if (s < 0.22 || (s < 0.3 && h >= 180 && h < 260))
    return v > 0.88 && s < 0.12 ? "white" : v < 0.35 ? "black" : "gray";
  if (h >= 12 && h < 50 && s < 0.38 && v > 0.75) return "beige";
  if (h >= 8 && h < 48 && v < 0.62) return "brown";
  if (h < 12 || h >= 342) return s < 0.45 && v > 0.8 ? "pink" : "red";
  if (h < 36) return "orange";
  if (h < 66) return v < 0.55 ? "brown" : "yellow";
  if (h < 165) return "green";
  if (h < 205) return "light blue";
  if (h < 255) return s < 0.45 && v > 0.8 ? "light blue" : "blue";
  if (h < 290) return "purple";
  return "pink";
}

export interface ColourShare {
  name: ColourName;
  /** fraction of the opaque pixels */
  share: number;
}

/**
 * Colour histogram of an RGBA image [h, w, 4], over pixels with alpha ≥ 128, sampled every `step` pixels.
 * Returns names sorted by share.
 */
export function colourShares(rgba: Uint8Array, step = 3): ColourShare[] {
  const counts = new Map<ColourName, number>();
  let total = 0;
  for (let i = 0; i < rgba.length; i += 4 * step) {
    if (rgba[i + 3] < 128) continue;
    const n = nameColour(rgba[i], rgba[i + 1], rgba[i + 2]);
    counts.set(n, (counts.get(n) ?? 0) + 1);
    total++;
  }
  return [...counts.entries()]
    .map(([name, c]) => ({ name, share: total ? c / total : 0 }))
    .sort((a, b) => b.share - a.share);
}

/** The one or two colours worth saying: the dominant one, and a second when it covers a good part of the picture. */
export function dominantColours(shares: ColourShare[]): ColourName[] {
  const out: ColourName[] = [];
  if (shares[0] && shares[0].share >= 0.2) out.push(shares[0].name);
  if (shares[1] && shares[1].share >= 0.25) out.push(shares[1].name);
  return out;
}
