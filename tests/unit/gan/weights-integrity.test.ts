import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CorruptCheckpointError,
  loadCheckpoint,
  loadTensors,
  readCheckpointState,
  resolveCheckpointDir,
  saveTensors,
} from "@/lib/gan";
import { initBackend } from "@/lib/tensor";

const root = path.resolve(import.meta.dirname, "../../..");
let tmp: string;

async function written(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(tmp, "t-"));
  const a = tf.tensor2d([
    [1, 2, 3],
    [4, 5, 6],
  ]);
  const b = tf.tensor1d([0.5, -0.25]);
  await saveTensors(
    dir,
    "weights",
    new Map<string, tf.Tensor>([
      ["a", a],
      ["b", b],
    ]),
  );
  tf.dispose([a, b]);
  return dir;
}

/** the error loadTensors / readCheckpointState throws, or a failure when it does not */
async function corruption(p: Promise<unknown>): Promise<CorruptCheckpointError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CorruptCheckpointError);
  return err as CorruptCheckpointError;
}

describe("tensor file integrity", () => {
  beforeAll(async () => {
    await initBackend({ force: "wasm", log: () => {} });
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), "ganvas-integrity-"));
  });
  afterAll(() => fs.rm(tmp, { recursive: true, force: true }));

  it("records the .bin size and crc32 in the index and round-trips the values", async () => {
    const dir = await written();
    const index = JSON.parse(await fs.readFile(path.join(dir, "weights.json"), "utf8"));
    expect(index.bytes).toBe(8 * 4);
    expect(index.crc32).toBeTypeOf("number");
    const loaded = await loadTensors(dir, "weights");
    expect(loaded.get("a")?.shape).toEqual([2, 3]);
    expect(Array.from(loaded.get("a")?.data ?? [])).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(loaded.get("b")?.data ?? [])).toEqual([0.5, -0.25]);
  });

  it("a flipped byte fails the checksum with a message naming the folder and file", async () => {
    const dir = await written();
    const bin = path.join(dir, "weights.bin");
    const bytes = await fs.readFile(bin);
    bytes[13] ^= 0x40; // same size, different value
    await fs.writeFile(bin, bytes);
    const err = await corruption(loadTensors(dir, "weights"));
    expect(err.dir).toBe(dir);
    expect(err.file).toBe("weights.bin");
    expect(err.reason).toBe("checksum mismatch");
    expect(err.message).toContain(path.join(dir, "weights.bin"));
    expect(err.message).toMatch(/restore the folder/);
  });

  it("a truncated or misaligned .bin is refused, with or without a checksum", async () => {
    const dir = await written();
    const bin = path.join(dir, "weights.bin");
    await fs.truncate(bin, 30); // not a whole number of floats
    expect((await corruption(loadTensors(dir, "weights"))).reason).toMatch(
      /30 bytes, the index describes 32/,
    );
    // an index written before checksums existed: only the size check applies
    const index = JSON.parse(await fs.readFile(path.join(dir, "weights.json"), "utf8"));
    delete index.bytes;
    delete index.crc32;
    await fs.writeFile(path.join(dir, "weights.json"), JSON.stringify(index));
    await fs.truncate(bin, 28);
    expect((await corruption(loadTensors(dir, "weights"))).reason).toMatch(/truncated/);
  });

  it("old tensor files without a checksum still load (the shipped model)", async () => {
    const dir = path.join(root, "models/ganvas-gan/emoji-64-v1/checkpoint");
    const index = JSON.parse(await fs.readFile(path.join(dir, "weights.json"), "utf8"));
    expect(index.crc32).toBeUndefined();
    const ckpt = await loadCheckpoint(dir);
    expect(ckpt.state.step).toBeGreaterThan(0);
    ckpt.model.dispose();
  });

  it("missing or malformed JSON gives the same error class", async () => {
    const dir = await written();
    await fs.writeFile(path.join(dir, "weights.json"), '{"format": "ganvas-tens');
    expect((await corruption(loadTensors(dir, "weights"))).reason).toBe("not valid JSON");
    await fs.rm(path.join(dir, "weights.json"));
    expect((await corruption(loadTensors(dir, "weights"))).reason).toBe("missing");
    await fs.writeFile(path.join(dir, "weights.json"), JSON.stringify({ format: "other" }));
    expect((await corruption(loadTensors(dir, "weights"))).reason).toMatch(/not a Ganvas tensor index/);

    expect((await corruption(readCheckpointState(dir))).file).toBe("state.json");
    await fs.writeFile(path.join(dir, "state.json"), "");
    expect((await corruption(readCheckpointState(dir))).reason).toBe("empty");
    await fs.writeFile(path.join(dir, "state.json"), JSON.stringify({ step: -1 }));
    expect((await corruption(readCheckpointState(dir))).reason).toMatch(/^invalid/);

    const run = await fs.mkdtemp(path.join(tmp, "run-"));
    await fs.mkdir(path.join(run, "checkpoints"));
    await fs.writeFile(path.join(run, "checkpoints", "latest.json"), "{");
    expect((await corruption(resolveCheckpointDir(run))).file).toBe("latest.json");
  });
});
