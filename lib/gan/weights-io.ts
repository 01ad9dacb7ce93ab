/**
 * Compact tensor files: `<base>.bin` (float32 little-endian, tensors back to back) and `<base>.json`
 * (index: name, shape, offset in floats, plus the .bin's byte length and crc32). Used for weights and optimiser
 * state. Files written before the checksum existed (the shipped models) still load; they only get the size check.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { crc32 } from "node:zlib";
import type * as tf from "@tensorflow/tfjs";
import { CorruptCheckpointError, readJsonOrCorrupt } from "./checkpoint-error";

export interface TensorIndex {
  format: "ganvas-tensors-v1";
  dtype: "float32";
  tensors: { name: string; shape: number[]; offset: number; size: number }[];
  /** byte length of `<base>.bin` (absent in files written before checksums) */
  bytes?: number;
  /** crc32 (unsigned) of `<base>.bin` */
  crc32?: number;
}

export interface LoadedTensor {
  shape: number[];
  data: Float32Array;
}

export async function saveTensors(dir: string, base: string, tensors: Map<string, tf.Tensor>): Promise<void> {
  const index: TensorIndex = { format: "ganvas-tensors-v1", dtype: "float32", tensors: [] };
  let total = 0;
  for (const [name, t] of tensors) {
    index.tensors.push({ name, shape: t.shape, offset: total, size: t.size });
    total += t.size;
  }
  const buf = new Float32Array(total);
  let i = 0;
  for (const t of tensors.values()) {
    buf.set(await t.data<"float32">(), index.tensors[i].offset);
    i++;
  }
  const bytes = new Uint8Array(buf.buffer);
  index.bytes = bytes.byteLength;
  index.crc32 = crc32(bytes) >>> 0;
  await fs.writeFile(path.join(dir, `${base}.bin`), bytes);
  await fs.writeFile(path.join(dir, `${base}.json`), `${JSON.stringify(index)}\n`);
}

/** Read `<base>.{json,bin}`; a missing, malformed, wrongly sized or checksum-failing file throws CorruptCheckpointError. */
export async function loadTensors(dir: string, base: string): Promise<Map<string, LoadedTensor>> {
  const indexFile = `${base}.json`;
  const binFile = `${base}.bin`;
  const index = (await readJsonOrCorrupt(dir, indexFile)) as TensorIndex;
  if (index?.format !== "ganvas-tensors-v1" || !Array.isArray(index.tensors))
    throw new CorruptCheckpointError(dir, indexFile, "not a Ganvas tensor index");
  let raw: Buffer;
  try {
    raw = await fs.readFile(path.join(dir, binFile));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT")
      throw new CorruptCheckpointError(dir, binFile, "missing");
    throw err;
  }
  const floats = index.tensors.reduce((n, e) => Math.max(n, e.offset + e.size), 0);
  const want = index.bytes ?? floats * 4;
  if (raw.byteLength !== want || raw.byteLength % 4 !== 0 || floats * 4 > raw.byteLength)
    throw new CorruptCheckpointError(
      dir,
      binFile,
      `${raw.byteLength} bytes, the index describes ${want}${raw.byteLength < want ? ": truncated" : ""}`,
    );
  if (index.crc32 !== undefined && crc32(raw) >>> 0 !== index.crc32)
    throw new CorruptCheckpointError(dir, binFile, "checksum mismatch");
  const all = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const out = new Map<string, LoadedTensor>();
  for (const e of index.tensors)
    out.set(e.name, { shape: e.shape, data: all.subarray(e.offset, e.offset + e.size) });
  return out;
}

/** Assign loaded values to variables by name; every variable must be present with the same shape. */
export function assignTensors(
  vars: Map<string, tf.Variable>,
  loaded: Map<string, LoadedTensor>,
  make: (data: Float32Array, shape: number[]) => tf.Tensor,
): void {
  for (const [name, v] of vars) {
    const t = loaded.get(name);
    if (!t) throw new Error(`checkpoint has no tensor "${name}": it was written by a different architecture`);
    if (t.shape.join(",") !== v.shape.join(","))
      throw new Error(`checkpoint tensor "${name}" has shape [${t.shape}], the model expects [${v.shape}]`);
    const value = make(t.data, t.shape);
    v.assign(value);
    value.dispose();
  }
}
