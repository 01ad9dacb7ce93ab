/**
 * Compact tensor files: `<base>.bin` (float32 little-endian, tensors back to back) and `<base>.json`
 * (index: name, shape, offset in floats). Used for weights and optimiser state.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import type * as tf from "@tensorflow/tfjs";

export interface TensorIndex {
  format: "ganvas-tensors-v1";
  dtype: "float32";
  tensors: { name: string; shape: number[]; offset: number; size: number }[];
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
  await fs.writeFile(path.join(dir, `${base}.bin`), new Uint8Array(buf.buffer));
  await fs.writeFile(path.join(dir, `${base}.json`), `${JSON.stringify(index)}\n`);
}

export async function loadTensors(dir: string, base: string): Promise<Map<string, LoadedTensor>> {
  const index = JSON.parse(await fs.readFile(path.join(dir, `${base}.json`), "utf8")) as TensorIndex;
  if (index.format !== "ganvas-tensors-v1")
    throw new Error(`${dir}/${base}.json is not a Ganvas tensor index`);
  const raw = await fs.readFile(path.join(dir, `${base}.bin`));
  const all = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const out = new Map<string, LoadedTensor>();
  for (const e of index.tensors) {
    if (e.offset + e.size > all.length) throw new Error(`${dir}/${base}.bin is truncated (tensor ${e.name})`);
    out.set(e.name, { shape: e.shape, data: all.subarray(e.offset, e.offset + e.size) });
  }
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
