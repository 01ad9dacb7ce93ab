/**
 * Exporting a checkpoint for serving: its generators as ONNX (onnx/stage1.onnx [+ stage2.onnx]) and, for a
 * promotion, a complete model version folder (model.json, checkpoint/ with generator weights only, onnx/).
 * The ONNX files are deterministic: the same weights give the same bytes.
 */
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { CHECKPOINT_FILES, type GanModel, loadCheckpoint, saveTensors } from "../gan";
import { initBackend } from "../tensor";
import type { ModelVersionManifest } from "./model-version-folder";
import { type GraphOptions, stage1Graph, stage2Graph } from "./onnx/generator-graphs";

export interface OnnxExportResult {
  /** absolute paths of the files written */
  files: string[];
  /** sha256 of each file, by file name */
  sha256: Record<string, string>;
}

/** Write `<onnxDir>/stage1.onnx` and, when the model has Stage-II, `stage2.onnx`. */
export async function exportGeneratorsOnnx(
  model: GanModel,
  onnxDir: string,
  opts: GraphOptions = {},
): Promise<OnnxExportResult> {
  await fs.mkdir(onnxDir, { recursive: true });
  const graphs: [string, Uint8Array][] = [["stage1.onnx", stage1Graph(model.g1, opts)]];
  if (model.g2) graphs.push(["stage2.onnx", stage2Graph(model.g2, opts)]);
  else await fs.rm(path.join(onnxDir, "stage2.onnx"), { force: true });
  const result: OnnxExportResult = { files: [], sha256: {} };
  for (const [name, bytes] of graphs) {
    const file = path.join(onnxDir, name);
    await fs.writeFile(file, bytes);
    result.files.push(file);
    result.sha256[name] = createHash("sha256").update(bytes).digest("hex");
  }
  return result;
}

/** Export a checkpoint (folder, or run folder → latest checkpoint) to `<outDir>/onnx/`. */
export async function exportModelVersionOnnx(
  checkpointDir: string,
  outDir: string,
  opts: GraphOptions = {},
): Promise<OnnxExportResult> {
  await initBackend();
  const { model } = await loadCheckpoint(checkpointDir);
  try {
    return await exportGeneratorsOnnx(model, path.join(outDir, "onnx"), opts);
  } finally {
    model.dispose();
  }
}

export interface ModelVersionFolderOptions extends GraphOptions {
  /** checkpoint folder, or a run folder (its latest checkpoint) */
  checkpoint: string;
  /** the model version folder to write (created; its model.json, checkpoint/ and onnx/ are replaced) */
  out: string;
  /** default: the folder's name */
  name?: string;
  /** extra provenance for model.json's `source` */
  source?: Record<string, unknown>;
  /** evaluation figures of the checkpoint (lib/eval EvalSummary) for model.json's `metrics` */
  metrics?: Record<string, unknown>;
}

/** Write a complete model version folder (layout in model-version-folder.ts); returns its manifest. */
export async function writeModelVersionFolder(
  opts: ModelVersionFolderOptions,
): Promise<ModelVersionManifest> {
  await initBackend();
  const { model, state, dir } = await loadCheckpoint(opts.checkpoint);
  try {
    const ckptOut = path.join(opts.out, "checkpoint");
    // re-exporting a version from its own checkpoint/ keeps that folder as it is
    if (path.resolve(ckptOut) !== path.resolve(dir)) {
      await fs.rm(ckptOut, { recursive: true, force: true });
      await fs.mkdir(ckptOut, { recursive: true });
      // generator weights only: the discriminator and optimiser state are training-only
      await saveTensors(ckptOut, CHECKPOINT_FILES.weights, model.namedTensors("generators"));
      await fs.copyFile(path.join(dir, CHECKPOINT_FILES.state), path.join(ckptOut, CHECKPOINT_FILES.state));
    }
    const exported = await exportGeneratorsOnnx(model, path.join(opts.out, "onnx"), opts);
    const manifest: ModelVersionManifest = {
      name: opts.name ?? path.basename(path.resolve(opts.out)),
      textEncoderId: state.textEncoderId,
      stage: model.g2 ? 2 : 1,
      createdAt: new Date().toISOString(),
      source: {
        checkpoint: path.resolve(dir),
        step: state.step,
        preset: state.config.preset,
        datasetHash: state.datasetHash,
        onnxSha256: exported.sha256,
        ...opts.source,
      },
      ...(opts.metrics ? { metrics: opts.metrics } : {}),
    };
    await fs.writeFile(path.join(opts.out, "model.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    return manifest;
  } finally {
    model.dispose();
  }
}
