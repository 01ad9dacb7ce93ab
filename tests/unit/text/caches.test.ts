import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CaptionCache, LruCache } from "@/lib/text";

const vec = (seed: number, dim = 8) => Float32Array.from({ length: dim }, (_, i) => Math.sin(seed * 10 + i));

describe("LruCache", () => {
  it("evicts the least recently used entry", () => {
    const c = new LruCache<string, number>(2);
    c.set("a", 1);
    c.set("b", 2);
    expect(c.get("a")).toBe(1); // a is now recent
    c.set("c", 3);
    expect(c.get("b")).toBeUndefined();
    expect(c.get("a")).toBe(1);
    expect(c.get("c")).toBe(3);
    expect(c.size).toBe(2);
  });
});

describe("CaptionCache", () => {
  const dirs: string[] = [];
  const fresh = () => {
    dirs.push(mkdtempSync(path.join(tmpdir(), "ganvas-captions-")));
    return dirs[dirs.length - 1];
  };
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("persists vectors across reopen, keyed by model id and text", () => {
    const dir = fresh();
    const c = CaptionCache.open(dir, "m/one", 8);
    c.putMany([
      ["a red bird", vec(1)],
      ["a flower", vec(2)],
    ]);
    const again = CaptionCache.open(dir, "m/one", 8);
    expect(again.size).toBe(2);
    expect(Array.from(again.get("a red bird") ?? [])).toEqual(Array.from(vec(1)));
    expect(again.get("a blue bird")).toBeUndefined();
    expect(CaptionCache.open(dir, "m/two", 8).get("a red bird")).toBeUndefined(); // other encoder, other key
  });

  it("does not append a text twice", () => {
    const dir = fresh();
    const c = CaptionCache.open(dir, "m", 8);
    c.putMany([["x", vec(1)]]);
    const size = statSync(c.file).size;
    c.putMany([["x", vec(1)]]);
    expect(statSync(c.file).size).toBe(size);
  });

  it("survives a torn write: the partial record is dropped, earlier ones stay, appends continue", () => {
    const dir = fresh();
    const c = CaptionCache.open(dir, "m", 8);
    c.putMany([["one", vec(1)]]);
    const good = statSync(c.file).size;
    c.putMany([["two", vec(2)]]);
    const full = readFileSync(c.file);
    writeFileSync(c.file, full.subarray(0, good + 20)); // crash in the middle of the second record

    const reopened = CaptionCache.open(dir, "m", 8);
    expect(reopened.size).toBe(1);
    expect(reopened.get("two")).toBeUndefined();
    expect(statSync(c.file).size).toBe(good); // torn tail cut off
    reopened.putMany([["three", vec(3)]]);
    const third = CaptionCache.open(dir, "m", 8);
    expect(Array.from(third.get("three") ?? [])).toEqual(Array.from(vec(3)));
    expect(third.size).toBe(2);
  });

  it("stops at a record whose checksum does not match", () => {
    const dir = fresh();
    const c = CaptionCache.open(dir, "m", 8);
    c.putMany([["one", vec(1)]]);
    c.putMany([["two", vec(2)]]);
    const buf = readFileSync(c.file);
    buf[buf.length - 10] ^= 0xff; // flip bits inside the second vector
    writeFileSync(c.file, buf);
    const reopened = CaptionCache.open(dir, "m", 8);
    expect(reopened.get("one")).toBeDefined();
    expect(reopened.get("two")).toBeUndefined();
  });

  it("ignores garbage appended by something else", () => {
    const dir = fresh();
    const c = CaptionCache.open(dir, "m", 8);
    c.putMany([["one", vec(1)]]);
    appendFileSync(c.file, Buffer.from("not a record at all"));
    expect(CaptionCache.open(dir, "m", 8).size).toBe(1);
  });
});
