/**
 * A model version folder (shipped under models/ganvas-gan/<name>/ or promoted under <data>/models/<name>/):
 * ```
 * model.json        ModelVersionManifest
 * MODEL_CARD.md     data, licences, config, steps, wall time, backend, metrics
 * checkpoint/       generator weights + state.json (TensorFlow.js; the fallback engine and the source of exports)
 * onnx/             stage1.onnx [+ stage2.onnx] (the fast serving engine), when exported
 * samples.png       a sample grid
 * ```
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { z } from "zod";

export const modelVersionManifestSchema = z.object({
  name: z.string().min(1),
  textEncoderId: z.string().min(1),
  /** 1: Stage-I only (64 px); 2: Stage-I + Stage-II (256 px) */
  stage: z.union([z.literal(1), z.literal(2)]),
  createdAt: z.string(),
  /** this shipped version is served by default on a fresh install */
  default: z.boolean().optional(),
  source: z.record(z.string(), z.unknown()).optional(),
  metrics: z.record(z.string(), z.unknown()).optional(),
});
export type ModelVersionManifest = z.infer<typeof modelVersionManifestSchema>;

export async function readModelVersionManifest(dir: string): Promise<ModelVersionManifest> {
  const file = path.join(dir, "model.json");
  let raw: unknown;
  try {
    raw = JSON.parse(await fs.readFile(file, "utf8"));
  } catch (err) {
    throw new Error(`Cannot read ${file}: ${(err as Error).message}`);
  }
  const parsed = modelVersionManifestSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${file} is invalid: ${parsed.error.message}`);
  return parsed.data;
}

/** Shipped model versions: every folder under `root` with a model.json. */
export async function findShippedVersions(
  root: string,
): Promise<{ dir: string; manifest: ModelVersionManifest }[]> {
  let entries: string[];
  try {
    entries = await fs.readdir(root);
  } catch {
    return [];
  }
  const out: { dir: string; manifest: ModelVersionManifest }[] = [];
  for (const e of entries.sort()) {
    const dir = path.join(root, e);
    try {
      out.push({ dir, manifest: await readModelVersionManifest(dir) });
    } catch {
      // not a model version folder
    }
  }
  return out;
}
