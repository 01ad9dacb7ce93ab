import "server-only";
import { randomUUID } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { config } from "../../config";
import { AppError } from "../../errors";
import type { EvalSummary } from "../../eval";
import type { GanConfig } from "../../gan";
import { readCheckpointState } from "../../gan";
import { truncationLabel } from "../../generate-events";
import { type ModelVersionManifest, writeModelVersionFolder } from "../../serve";
import { requireAdmin, type Viewer } from "../auth/session";
import { db, tables } from "../db";
import { activateModelVersion, type ModelVersionSummary } from "./model-versions";
import { listCheckpointsOnDisk, readProgress } from "./run-files";
import { getRun, runDirAbs } from "./runs";

export const promoteSchema = z
  .object({
    step: z.number().int().min(0),
    name: z
      .string({ error: "name is required" })
      .trim()
      .regex(/^[a-z0-9][a-z0-9._-]{1,47}$/, {
        error: 'use 2–48 characters: a–z, 0–9, ".", "-" and "_", starting with a letter or digit',
      }),
  })
  .strict();

/**
 * Promote a run's checkpoint to a named model version: its generators are copied (and exported for fast serving)
 * into <data>/models/<name>/ with a model card, and serving switches to it at once (no restart).
 */
export async function promoteCheckpoint(
  viewer: Viewer | null,
  runId: string,
  input: z.infer<typeof promoteSchema>,
): Promise<ModelVersionSummary> {
  const admin = requireAdmin(viewer);
  const run = getRun(viewer, runId);
  const runDir = runDirAbs(run);
  const ckpt = (await listCheckpointsOnDisk(runDir)).find((c) => c.step === input.step);
  if (!ckpt) throw new AppError("NOT_FOUND", `Run has no checkpoint at step ${input.step} (any more).`);
  if (
    db()
      .select({ id: tables.modelVersion.id })
      .from(tables.modelVersion)
      .where(eq(tables.modelVersion.name, input.name))
      .get()
  )
    throw new AppError("CONFLICT", `A model version named "${input.name}" exists. Choose another name.`);
  const state = await readCheckpointState(path.join(runDir, ckpt.dir));
  const events = (await readProgress(runDir)).events;
  const last = events.filter((e) => e.type === "step" && Number(e.step) <= input.step).at(-1) as
    | { elapsedSec?: number; losses?: Record<string, number> }
    | undefined;
  // every backend the run trained on (a run may be resumed on another machine)
  const backends = [...new Set(events.filter((e) => e.type === "session").map((e) => `${e.backend}`))];
  const dataset = db().select().from(tables.dataset).where(eq(tables.dataset.id, run.datasetId)).get();
  const manifest: ModelVersionManifest = {
    name: input.name,
    textEncoderId: state.textEncoderId,
    stage: state.config.stage,
    createdAt: new Date().toISOString(),
    source: {
      runId,
      step: input.step,
      preset: state.config.preset,
      dataset: dataset?.name ?? null,
      datasetHash: state.datasetHash,
      // training time over all sessions (the worker's count); the last session's clock for older runs
      wallTimeSec: run.trainedSec || last?.elapsedSec || null,
      backend: backends.length ? backends.join(", ") : null,
      lastLosses: last?.losses ?? null,
    },
  };
  const checkpointRow = db()
    .select()
    .from(tables.checkpoint)
    .where(eq(tables.checkpoint.id, `${runId}:${input.step}`))
    .get();
  const metrics = checkpointRow?.evalStatus === "done" ? (checkpointRow.metrics ?? undefined) : undefined;
  const rel = `models/${input.name}`;
  const outDir = path.join(config().dataDir, rel);
  // build the folder under a temporary name, then rename: a crash never leaves half a model version
  const tmp = `${outDir}.tmp-${process.pid}-${Date.now()}`;
  try {
    const written = await writeModelVersionFolder({
      checkpoint: path.join(runDir, ckpt.dir),
      out: tmp,
      name: input.name,
      source: manifest.source,
      metrics,
    });
    if (ckpt.sample) await fs.copyFile(path.join(runDir, ckpt.sample), path.join(tmp, "samples.png"));
    await fs.writeFile(path.join(tmp, "MODEL_CARD.md"), modelCard(written, state.config));
    await fs.rename(tmp, outDir);
  } catch (err) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw err;
  }
  const id = randomUUID();
  try {
    db()
      .insert(tables.modelVersion)
      .values({
        id,
        name: input.name,
        checkpointId: checkpointRow?.id ?? null,
        dir: rel,
        textEncoderId: state.textEncoderId,
        card: { ...manifest, config: state.config, ...(metrics ? { metrics } : {}) },
        promotedBy: admin.id,
      })
      .run();
  } catch (err) {
    await fs.rm(outDir, { recursive: true, force: true });
    throw err;
  }
  return activateModelVersion(viewer, id);
}

/** The model card written beside every promoted version. */
function modelCard(m: ModelVersionManifest, cfg: GanConfig): string {
  const src = (m.source ?? {}) as Record<string, unknown>;
  const wall = src.wallTimeSec ? `${Math.round(Number(src.wallTimeSec) / 60)} min` : "unknown";
  return `# ${m.name}

A Ganvas StackGAN model version: Stage-I${m.stage === 2 ? " + Stage-II (256 px)" : " (64 px)"}.

| | |
| --- | --- |
| text encoder | ${m.textEncoderId} |
| dataset | ${src.dataset ?? "unknown"} (content hash ${src.datasetHash ?? "?"}) |
| preset | ${cfg.preset} (Stage-I ngf ${cfg.g1.ngf}, D ndf ${cfg.d1.ndf}, z ${cfg.zDim}, c ${cfg.cDim}) |
| training | ${src.step} steps, batch ${cfg.train.batchSize}, lr ${cfg.train.lrG}, KL weight ${cfg.train.klWeight}${cfg.train.emaDecay > 0 ? `; generator weights: moving average (EMA decay ${cfg.train.emaDecay})` : ""} |
| wall time | ${wall} |
| backend | ${src.backend ?? "unknown"} |
| last losses | ${src.lastLosses ? JSON.stringify(src.lastLosses) : "unknown"} |
| promoted | ${m.createdAt} from run ${src.runId} |

${metricsTable(m.metrics as EvalSummary | undefined)}
\`samples.png\` is the fixed-seed sample grid of this checkpoint; \`model.json\` has the full record.
`;
}

/** The evaluation figures of a model card, beside the real-image ceiling and the shuffled-caption floor. */
export function metricsTable(m: EvalSummary | undefined): string {
  if (!m) return "No evaluation: evaluate the checkpoint before promoting it to record its metrics here.\n";
  const pct = (x: number | null | undefined) => (x == null ? "—" : `${(x * 100).toFixed(1)}%`);
  const num = (x: number | null | undefined, d = 1) => (x == null ? "—" : x.toFixed(d));
  const rows = Object.entries(m.splits).map(
    ([split, s]) =>
      `| ${split} | ${pct(s.generated.rPrecision)} | ${pct(s.real.rPrecision)} | ${pct(s.shuffled?.rPrecision)} | ${pct(s.generated.rPrecisionNear)} | ${pct(s.real.rPrecisionNear)} | ${num(s.generated.frechet)} | ${num(s.real.frechet)} | ${num(s.generated.jointFrechet, 2)} | ${num(s.real.jointFrechet, 2)} | ${num(s.shuffled?.jointFrechet, 2)} | ${num(s.generated.inceptionLike, 2)} | ${num(s.real.inceptionLike, 2)} | ${num(s.generated.seedDiversity, 2)} |`,
  );
  const perImage = m.captionsPerImage ?? 1;
  const protocol =
    (perImage > 1 ? `, each image scored with ${perImage} of its captions` : "") +
    `, ${truncationLabel(m.truncation)}`;
  return `## Evaluation (eval nets ${m.evalNets}, ${m.n} images per split${protocol}, seed ${m.seed})

| split | R-precision generated | real (ceiling) | shuffled (floor) | near-class R-precision generated | real | Fréchet generated | real | image–text Fréchet generated | real | shuffled (floor) | IS-like generated | real | seed diversity |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
${rows.join("\n")}
`;
}
