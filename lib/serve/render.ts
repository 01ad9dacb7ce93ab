import sharp from "sharp";
import { embedRecipe, type Recipe } from "./png-recipe";

/** RGB uint8 pixels → PNG bytes with the recipe chunks. */
export async function renderPng(rgb: Uint8Array, size: number, recipe: Recipe | null): Promise<Buffer> {
  const png = await sharp(rgb, { raw: { width: size, height: size, channels: 3 } })
    .png({ compressionLevel: 6 })
    .toBuffer();
  return recipe ? embedRecipe(png, recipe) : png;
}
