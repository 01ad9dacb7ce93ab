import { describe, expect, it } from "vitest";
import { loadDataset, nearestClassRecords } from "@/lib/data";
import { Batcher } from "@/lib/train";
import { shapesDataset } from "./helpers";

describe("hard wrong captions", () => {
  it("nearest classes share a word of the caption (colour or shape), never the class itself", async () => {
    const ds = await loadDataset(await shapesDataset({ count: 48, dim: 64 }));
    const train = ds.records.flatMap((r, i) => (r.split === "train" ? [i] : []));
    const nn = nearestClassRecords(ds, train, 4);
    const classes = new Set(train.map((i) => ds.records[i].class));
    expect(nn.size).toBe(classes.size);
    for (const [c, near] of nn) {
      expect(near.length).toBe(Math.min(4, classes.size - 1));
      const names = near.map((recs) => ds.records[recs[0]].class);
      expect(names).not.toContain(c);
      // every record of a neighbour list is of one class
      for (const recs of near) expect(new Set(recs.map((i) => ds.records[i].class)).size).toBe(1);
      // "red circle": its nearest class is a red something or a something circle
      const [colour, shape] = c.split(" ");
      const [nc, ns] = names[0].split(" ");
      expect(nc === colour || ns === shape, `${c} → ${names[0]}`).toBe(true);
    }
  });

  it("with hardWrong 1 every wrong caption is one of a near class's; 0 leaves batches as they were", async () => {
    const ds = await loadDataset(await shapesDataset({ count: 48, dim: 64 }));
    const opts = { batchSize: 8, imageSize: 64 as const, seed: 3, zDim: 4, cDim: 4 };
    const hard = new Batcher(ds, { ...opts, hardWrong: 1, hardWrongNeighbours: 3 });
    const train = ds.records.flatMap((r, i) => (r.split === "train" ? [i] : []));
    const nn = nearestClassRecords(ds, train, 3);
    expect(nn.size).toBeGreaterThan(10); // 3 of them: a random other class would rarely be one
    const emb = ds.embeddings as Float32Array;
    const d = 64;
    const captionsOf = (recs: number[]) =>
      recs.flatMap((i) => {
        const r = ds.records[i];
        return r.captions.map((_, j) =>
          emb.subarray((r.embeddingOffset + j) * d, (r.embeddingOffset + j + 1) * d),
        );
      });
    const same = (a: Float32Array, b: Float32Array) => a.every((v, k) => v === b[k]);
    const classOfRight = (b: ReturnType<Batcher["batch"]>, i: number) =>
      ds.records[
        train.find((r) =>
          captionsOf([r]).some((e) => same(e, b.right.subarray(i * d, (i + 1) * d))),
        ) as number
      ].class;
    for (const step of [0, 5]) {
      const b = hard.batch(step);
      for (let i = 0; i < b.size; i++) {
        const wrong = b.wrong.subarray(i * d, (i + 1) * d);
        const near = nn.get(classOfRight(b, i)) ?? [];
        expect(near.some((recs) => captionsOf(recs).some((e) => same(e, wrong)))).toBe(true);
      }
    }
    // off: the batch of a batcher built without the option, bit for bit
    const plain = new Batcher(ds, opts).batch(2);
    const off = new Batcher(ds, { ...opts, hardWrong: 0 }).batch(2);
    expect(Array.from(off.wrong)).toEqual(Array.from(plain.wrong));
    expect(Array.from(off.z)).toEqual(Array.from(plain.z));
    expect(() => new Batcher(ds, { ...opts, hardWrong: 1.5 })).toThrow(/share of rows in \[0, 1\]/);
  });
});
