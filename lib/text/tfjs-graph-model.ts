import { readFile } from "node:fs/promises";
import path from "node:path";

/** One node of a TensorFlow GraphDef as tfjs-converter stores it in model.json. */
export interface TfNode {
  name: string;
  op: string;
  input?: string[];
  // biome-ignore lint/suspicious/noExplicitAny: GraphDef attr values are a tagged union (i, f, b, s, list, tensor, type...)
  attr?: Record<string, any>;
}

/** A weight from the manifest; int32 weights stand for TF int32 and int64 (tfjs stores both as int32). */
export interface TfWeight {
  dtype: "float32" | "int32";
  shape: number[];
  data: Float32Array | Int32Array;
}

export interface TfjsGraphModel {
  nodes: TfNode[];
  weights: Map<string, TfWeight>;
}

interface ManifestEntry {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: unknown;
}

/**
 * Reads a tfjs graph model (model.json + binary shards) from disk, without tfjs.
 * Only unquantised float32/int32 weights are supported: that is what USE-Lite ships.
 */
export async function readTfjsGraphModel(dir: string): Promise<TfjsGraphModel> {
  const json = JSON.parse(await readFile(path.join(dir, "model.json"), "utf8")) as {
    modelTopology: { node: TfNode[] };
    weightsManifest: { paths: string[]; weights: ManifestEntry[] }[];
  };
  const weights = new Map<string, TfWeight>();
  for (const group of json.weightsManifest) {
    const shards = await Promise.all(group.paths.map((p) => readFile(path.join(dir, p))));
    const all = Buffer.concat(shards);
    let offset = 0;
    for (const w of group.weights) {
      if (w.quantization) throw new Error(`quantised weight ${w.name} is not supported by the converter`);
      if (w.dtype !== "float32" && w.dtype !== "int32")
        throw new Error(`weight ${w.name} has dtype ${w.dtype}`);
      const count = w.shape.reduce((a, b) => a * b, 1);
      // Copy into an aligned buffer: shard offsets are not guaranteed to be 4-byte aligned in memory.
      const bytes = new Uint8Array(all.subarray(offset, offset + 4 * count));
      const data = w.dtype === "float32" ? new Float32Array(bytes.buffer) : new Int32Array(bytes.buffer);
      weights.set(w.name, { dtype: w.dtype, shape: w.shape, data });
      offset += 4 * count;
    }
    if (offset !== all.length)
      throw new Error(`weights manifest does not cover the shards (${offset} != ${all.length})`);
  }
  return { nodes: json.modelTopology.node, weights };
}
