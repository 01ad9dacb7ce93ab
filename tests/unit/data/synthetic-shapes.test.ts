import { describe, expect, it } from "vitest";
import {
  classifySyntheticImage,
  drawSyntheticShape,
  loadDataset,
  SYNTHETIC_COLOURS,
  SYNTHETIC_SHAPES,
  type SyntheticColour,
  syntheticBowEmbed,
} from "@/lib/data";
import { shapesDataset } from "../train/helpers";

describe("synthetic coloured shapes", () => {
  it("the measurement recognises every drawn colour and shape", () => {
    for (const colour of Object.keys(SYNTHETIC_COLOURS) as SyntheticColour[])
      for (const shape of SYNTHETIC_SHAPES)
        for (const geom of [
          { cx: 32, cy: 32, r: 16 },
          { cx: 27, cy: 36, r: 13 },
        ]) {
          const m = classifySyntheticImage(drawSyntheticShape(colour, shape, 64, geom));
          expect({ colour: m.colour, shape: m.shape }).toEqual({ colour, shape });
        }
  });

  it("writes a loadable dataset folder with synthetic-bow embeddings", async () => {
    const dir = await shapesDataset({ count: 24, dim: 16 });
    const ds = await loadDataset(dir);
    expect(ds.manifest.textEncoder).toEqual({ id: "synthetic-bow", dim: 16 });
    expect(ds.records).toHaveLength(24);
    const r = ds.records[5];
    const row = ds.embeddings?.subarray(r.embeddingOffset * 16, (r.embeddingOffset + 1) * 16);
    expect(Array.from(row ?? [])).toEqual(Array.from(syntheticBowEmbed(r.captions[0], 16)));
    expect(r.class.split(" ")).toEqual([r.meta?.colour, r.meta?.shape]);
  });

  it("bag-of-words embedding is unit-norm, order-free and word-sensitive", () => {
    const a = syntheticBowEmbed("a red circle", 32);
    expect(Math.hypot(...a)).toBeCloseTo(1, 5);
    const b = syntheticBowEmbed("circle red a", 32);
    expect(Math.max(...a.map((v, i) => Math.abs(v - b[i])))).toBeLessThan(1e-6);
    expect(Array.from(syntheticBowEmbed("a blue circle", 32))).not.toEqual(Array.from(a));
  });
});
