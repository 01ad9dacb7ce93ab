import sharp from "sharp";
import { describe, expect, it } from "vitest";
import {
  embedRecipe,
  formatParameters,
  type Recipe,
  readRecipe,
  readTextChunks,
} from "@/lib/serve/png-recipe";

async function png(): Promise<Buffer> {
  const raw = Buffer.alloc(8 * 8 * 3, 200);
  return sharp(raw, { raw: { width: 8, height: 8, channels: 3 } })
    .png()
    .toBuffer();
}

const recipe: Recipe = {
  prompt: "a red heart",
  seed: 1234,
  modelVersion: "emoji-v1",
  width: 256,
  height: 256,
  truncation: 0.8,
  index: 2,
  generator: "ganvas",
};

describe("PNG recipe chunks", () => {
  it("writes `parameters` as tEXt and the JSON recipe, and reads them back", async () => {
    const out = embedRecipe(await png(), recipe);
    const text = readTextChunks(out);
    expect(text.parameters).toBe(formatParameters(recipe));
    expect(text.parameters).toMatch(
      /^a red heart\nSeed: 1234, Size: 256x256, Model: emoji-v1, Truncation: 0.8/,
    );
    expect(readRecipe(out)).toEqual(recipe);
    // still a valid image with the same pixels
    const { data, info } = await sharp(out).raw().toBuffer({ resolveWithObject: true });
    expect(info.width).toBe(8);
    expect(data[0]).toBe(200);
    // the chunk is a real tEXt chunk (Latin-1 prompt)
    expect(out.includes(Buffer.from("tEXtparameters\0", "latin1"))).toBe(true);
  });

  it("uses iTXt for prompts outside Latin-1 (emoji, CJK) and round-trips them", async () => {
    const r = { ...recipe, prompt: "一只红色的鸟 🐦 with “quotes”" };
    const out = embedRecipe(await png(), r);
    expect(readTextChunks(out).parameters.split("\n")[0]).toBe(r.prompt);
    expect(readRecipe(out)?.prompt).toBe(r.prompt);
    expect(out.includes(Buffer.from("iTXtparameters\0", "latin1"))).toBe(true);
  });

  it("replaces an existing recipe instead of adding a second one", async () => {
    const once = embedRecipe(await png(), recipe);
    const twice = embedRecipe(once, { ...recipe, seed: 99 });
    expect(readRecipe(twice)?.seed).toBe(99);
    expect(twice.toString("latin1").split("ganvas:recipe").length - 1).toBe(1);
  });

  it("refuses data that is not a PNG", () => {
    expect(() => embedRecipe(new Uint8Array([1, 2, 3]), recipe)).toThrow(/not a PNG/);
    expect(
      readRecipe(Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])])),
    ).toBeNull();
  });
});
