/**
 * Eval networks on disk, versioned and tied to the dataset they were trained on:
 * ```
 * <evalDir>/latest.json              {"version": "v002"}   written after a version is complete
 * <evalDir>/v002/eval-net.json       EvalNetManifest: config, classes, dataset hash, text encoder, timings, real-image metrics
 * <evalDir>/v002/weights.{bin,json}  every named tensor (lib/gan's tensor file format)
 * <evalDir>/v002/train-log.jsonl     one EvalNetLogEntry per line
 * ```
 * The default evalDir is `data/eval/<dataset name>` (see defaultEvalDir); `<datasetDir>/eval` is the other choice.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import type { DatasetManifest } from "../data";
import { assignTensors, loadTensors, saveTensors } from "../gan";
import { evalNetConfigSchema } from "./eval-net-config";
import { EvalNets } from "./eval-nets";
import type { EvalNetLogEntry } from "./train-eval-nets";

export const EVAL_NET_FORMAT_VERSION = 1;

export const evalNetManifestSchema = z.object({
  formatVersion: z.literal(EVAL_NET_FORMAT_VERSION),
  version: z.string(),
  datasetName: z.string(),
  datasetHash: z.string(),
  textEncoderId: z.string().nullable(),
  config: evalNetConfigSchema,
  classes: z.array(z.string()).min(1),
  steps: z.number().int().nonnegative(),
  trainSeconds: z.number().nonnegative(),
  backend: z.string(),
  createdAt: z.string(),
  /** real-image figures measured right after training (filled by the caller) */
  metrics: z.record(z.string(), z.unknown()).optional(),
});
export type EvalNetManifest = z.infer<typeof evalNetManifestSchema>;

export class EvalNetMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EvalNetMismatchError";
  }
}

/** `<dataDir>/eval/<dataset name>`, or `<datasetDir>/eval` with `insideDataset` (keeps the nets with the dataset). */
export function defaultEvalDir(
  datasetDir: string,
  manifest: Pick<DatasetManifest, "name">,
  opts: { insideDataset?: boolean; dataDir?: string } = {},
): string {
  if (opts.insideDataset) return path.join(datasetDir, "eval");
  return path.join(opts.dataDir ?? process.env.GANVAS_DATA_DIR ?? "data", "eval", manifest.name);
}

async function nextVersion(evalDir: string): Promise<string> {
  const entries = await fs.readdir(evalDir).catch(() => [] as string[]);
  const nums = entries
    .map((e) => /^v(\d+)$/.exec(e)?.[1])
    .filter(Boolean)
    .map(Number);
  return `v${String((nums.length ? Math.max(...nums) : 0) + 1).padStart(3, "0")}`;
}

/** Write a new version folder (atomically: temp name, then rename) and point latest.json at it. */
export async function saveEvalNets(
  evalDir: string,
  nets: EvalNets,
  meta: Omit<EvalNetManifest, "formatVersion" | "version" | "config" | "createdAt">,
  log: EvalNetLogEntry[],
): Promise<{ dir: string; manifest: EvalNetManifest }> {
  await fs.mkdir(evalDir, { recursive: true });
  const version = await nextVersion(evalDir);
  const manifest: EvalNetManifest = evalNetManifestSchema.parse({
    formatVersion: EVAL_NET_FORMAT_VERSION,
    version,
    config: nets.config,
    createdAt: new Date().toISOString(),
    ...meta,
  });
  const dir = path.join(evalDir, version);
  const tmp = `${dir}.tmp-${process.pid}`;
  await fs.mkdir(tmp, { recursive: true });
  await saveTensors(tmp, "weights", nets.namedTensors());
  await fs.writeFile(path.join(tmp, "eval-net.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  await fs.writeFile(path.join(tmp, "train-log.jsonl"), log.map((e) => `${JSON.stringify(e)}\n`).join(""));
  await fs.rename(tmp, dir);
  await writeLatest(evalDir, version);
  return { dir, manifest };
}

/** Replace latest.json atomically. */
export async function writeLatest(evalDir: string, version: string): Promise<void> {
  const tmp = path.join(evalDir, `latest.json.tmp-${process.pid}`);
  await fs.writeFile(tmp, `${JSON.stringify({ version })}\n`);
  await fs.rename(tmp, path.join(evalDir, "latest.json"));
}

/** A version folder, or an eval dir (then its latest version). */
export async function resolveEvalNetDir(p: string): Promise<string> {
  const has = (f: string) =>
    fs.stat(f).then(
      () => true,
      () => false,
    );
  if (await has(path.join(p, "eval-net.json"))) return p;
  if (await has(path.join(p, "latest.json"))) {
    const { version } = JSON.parse(await fs.readFile(path.join(p, "latest.json"), "utf8")) as {
      version: string;
    };
    return path.join(p, version);
  }
  throw new EvalNetMismatchError(
    `No evaluation networks at ${p}. Train them first: npm run eval:train -- --dataset <dataset dir> --out ${p}`,
  );
}

export interface LoadedEvalNets {
  dir: string;
  manifest: EvalNetManifest;
  nets: EvalNets;
}

/**
 * Load eval nets and check they belong to `dataset`: numbers measured with networks trained on other data are not
 * comparable, so a different dataset hash (or text encoder) is refused.
 */
export async function loadEvalNets(
  p: string,
  dataset: { hash: string; textEncoderId: string | null; datasetDir?: string },
): Promise<LoadedEvalNets> {
  const dir = await resolveEvalNetDir(p);
  const raw = JSON.parse(await fs.readFile(path.join(dir, "eval-net.json"), "utf8"));
  const parsed = evalNetManifestSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${dir}/eval-net.json is invalid: ${parsed.error.message}`);
  const manifest = parsed.data;
  const retrain = `Retrain them with: npm run eval:train -- --dataset ${dataset.datasetDir ?? "<dataset dir>"}`;
  if (manifest.datasetHash !== dataset.hash)
    throw new EvalNetMismatchError(
      `Evaluation networks at ${dir} were trained on dataset hash ${manifest.datasetHash}, but this dataset's hash is ${dataset.hash}. ${retrain}`,
    );
  if (manifest.textEncoderId !== dataset.textEncoderId)
    throw new EvalNetMismatchError(
      `Evaluation networks at ${dir} expect caption embeddings from ${manifest.textEncoderId}, the dataset has ${dataset.textEncoderId}. ${retrain}`,
    );
  const nets = new EvalNets(manifest.config, manifest.classes.length);
  try {
    const tensors = await loadTensors(dir, "weights");
    assignTensors(nets.namedTensors(), tensors, (data, shape) => tf.tensor(data, shape));
  } catch (err) {
    nets.dispose();
    throw err;
  }
  return { dir, manifest, nets };
}
