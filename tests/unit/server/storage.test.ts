import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DiskStorage } from "@/lib/server/storage";

let root: string;
let store: DiskStorage;

beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), "ganvas-storage-"));
  store = new DiskStorage(root);
});
afterEach(async () => {
  vi.restoreAllMocks();
  await fs.rm(root, { recursive: true, force: true });
});

describe("DiskStorage", () => {
  it("writes, reads, lists and deletes", async () => {
    await store.put("images/ab/one.png", new Uint8Array([1, 2, 3]));
    await store.put("images/cd/two.txt", "hello");
    expect([...(await store.get("images/ab/one.png"))]).toEqual([1, 2, 3]);
    expect(await store.exists("images/cd/two.txt")).toBe(true);
    expect(await store.list("images")).toEqual(["images/ab/one.png", "images/cd/two.txt"]);
    await store.delete("images/ab/one.png");
    expect(await store.tryGet("images/ab/one.png")).toBeNull();
  });

  it.each(["../escape", "a/../../b", "/abs", "a//b", "a/./b", "", "a\\b", "a b", "images/\u0000x"])(
    "refuses the unsafe key %j",
    async (key) => {
      await expect(store.put(key, "x")).rejects.toThrow(/Invalid storage key/);
    },
  );

  it("never leaves a half-written file: a failed write keeps the old content and no temp file", async () => {
    await store.put("ckpt/weights.bin", "old complete content");
    // the write of the new content fails half-way (disk full)
    const realOpen = fs.open;
    vi.spyOn(fs, "open").mockImplementation(async (...args: Parameters<typeof fs.open>) => {
      const handle = await realOpen(...args);
      const realWrite = handle.writeFile.bind(handle);
      handle.writeFile = async (data: Parameters<typeof handle.writeFile>[0]) => {
        await realWrite(String(data).slice(0, 3));
        throw Object.assign(new Error("ENOSPC: no space left on device"), { code: "ENOSPC" });
      };
      return handle;
    });
    await expect(store.put("ckpt/weights.bin", "new content that will not fit")).rejects.toThrow(/ENOSPC/);
    vi.restoreAllMocks();
    expect((await store.get("ckpt/weights.bin")).toString()).toBe("old complete content");
    expect(await fs.readdir(path.join(root, "ckpt"))).toEqual(["weights.bin"]);
  });

  it("concurrent writers each leave one whole version, never a mix", async () => {
    const a = "a".repeat(200_000);
    const b = "b".repeat(300_000);
    await Promise.all([store.put("x/f", a), store.put("x/f", b), store.put("x/f", a), store.put("x/f", b)]);
    const got = (await store.get("x/f")).toString();
    expect([a, b]).toContain(got);
    expect(await fs.readdir(path.join(root, "x"))).toEqual(["f"]);
  });
});
