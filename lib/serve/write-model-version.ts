import { promises as fs } from "node:fs";
import path from "node:path";
import type { ModelVersionManifest } from "./model-version-folder";

/** Optional fast-path export (ONNX), registered by the ONNX module: checkpointDir → <outDir>/onnx/. */
type Exporter = (checkpointDir: string, outDir: string) => Promise<void>;
let exporter: Exporter | null = null;
export function registerModelExporter(fn: Exporter): void {
  exporter = fn;
}

/**
 * Write a model version folder atomically (temp folder + rename): generator weights and state from a checkpoint
 * (optimizer state dropped), model.json, a model card, the sample grid, and the ONNX export when available.
 */
export async function writeModelVersionFolder(opts: {
  checkpointDir: string;
  outDir: string;
  manifest: ModelVersionManifest;
  sampleGrid?: string | null;
  card?: string;
}): Promise<void> {
  const tmp = `${opts.outDir}.tmp-${process.pid}-${Date.now()}`;
  await fs.mkdir(path.join(tmp, "checkpoint"), { recursive: true });
  try {
    for (const f of await fs.readdir(opts.checkpointDir)) {
      if (f.startsWith("optimizer")) continue;
      await fs.copyFile(path.join(opts.checkpointDir, f), path.join(tmp, "checkpoint", f));
    }
    await fs.writeFile(path.join(tmp, "model.json"), `${JSON.stringify(opts.manifest, null, 2)}\n`);
    if (opts.sampleGrid) await fs.copyFile(opts.sampleGrid, path.join(tmp, "samples.png"));
    await fs.writeFile(path.join(tmp, "MODEL_CARD.md"), opts.card ?? defaultCard(opts.manifest));
    if (exporter) await exporter(path.join(tmp, "checkpoint"), tmp);
    if (
      await fs.stat(opts.outDir).then(
        () => true,
        () => false,
      )
    )
      throw new Error(`${opts.outDir} already exists`);
    await fs.rename(tmp, opts.outDir);
  } catch (err) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

function defaultCard(m: ModelVersionManifest): string {
  const src = (m.source ?? {}) as Record<string, unknown>;
  return `# ${m.name}

A Ganvas StackGAN model version (Stage-${m.stage === 2 ? "I + Stage-II, 256 px" : "I, 64 px"}).

| | |
| --- | --- |
| text encoder | ${m.textEncoderId} |
| dataset | ${src.dataset ?? "unknown"} (${src.datasetHash ?? ""}) |
| preset | ${src.preset ?? ""} |
| training steps | ${src.step ?? ""} |
| wall time | ${src.wallTimeSec ? `${Math.round(Number(src.wallTimeSec) / 60)} min` : "unknown"} |
| created | ${m.createdAt} |

See \`model.json\` for the full record and \`samples.png\` for the fixed-seed sample grid.
`;
}
