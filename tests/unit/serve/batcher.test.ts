import { describe, expect, it } from "vitest";
import { MicroBatcher } from "@/lib/serve/batcher";

const tick = () => new Promise((r) => setTimeout(r, 5));

describe("MicroBatcher", () => {
  it("runs at once when idle, and batches jobs that arrive while busy into one pass", async () => {
    const passes: number[][] = [];
    const b = new MicroBatcher(async (items: number[]) => {
      passes.push(items);
      await tick();
      return items.map((x) => x * 10);
    }, 16);
    const first = b.submit([1]);
    const second = b.submit([2, 3]);
    const third = b.submit([4]);
    expect(await first).toEqual([10]);
    expect(await second).toEqual([20, 30]);
    expect(await third).toEqual([40]);
    expect(passes).toEqual([[1], [2, 3, 4]]);
    expect(b.stats.passes).toBe(2);
  });

  it("never exceeds maxBatch in one pass", async () => {
    const sizes: number[] = [];
    const b = new MicroBatcher(async (items: number[]) => {
      sizes.push(items.length);
      await tick();
      return items;
    }, 4);
    await Promise.all([b.submit([0]), b.submit([1, 2]), b.submit([3, 4]), b.submit([5, 6, 7])]);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(4);
    expect(sizes.reduce((a, c) => a + c, 0)).toBe(8);
  });

  it("drops jobs whose client went away before their turn (the work is not done)", async () => {
    const ran: number[] = [];
    const b = new MicroBatcher(async (items: number[]) => {
      ran.push(...items);
      await tick();
      return items;
    }, 16);
    const ac = new AbortController();
    const busy = b.submit([1]);
    const dropped = b.submit([2, 3], ac.signal);
    const kept = b.submit([4]);
    ac.abort();
    await busy;
    await expect(dropped).rejects.toMatchObject({ name: "AbortError" });
    expect(await kept).toEqual([4]);
    expect(ran).toEqual([1, 4]);
    await expect(b.submit([5], ac.signal)).rejects.toMatchObject({ name: "AbortError" });
  });

  it("a failing pass rejects only its own jobs; the next pass runs", async () => {
    let n = 0;
    const b = new MicroBatcher(async (items: number[]) => {
      n++;
      await tick();
      if (n === 1) throw new Error("boom");
      return items;
    }, 16);
    const a = b.submit([1]);
    await expect(a).rejects.toThrow("boom");
    expect(await b.submit([2])).toEqual([2]);
  });
});
