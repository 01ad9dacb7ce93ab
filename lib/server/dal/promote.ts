import "server-only";
import { randomUUID } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { config } from "../../config";
import { AppError } from "../../errors";
import { readCheckpointState } from "../../gan";
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
  const progress = (await readProgress(runDir)).events.filter((e) => e.type === "step");
  const last = progress.at(-1) as { elapsedSec?: number; losses?: Record<string, number> } | undefined;
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
      wallTimeSec: last?.elapsedSec ?? null,
      lastLosses: last?.losses ?? null,
    },
  };
  const rel = `models/${input.name}`;
  const outDir = path.join(config().dataDir, rel);
  await writeModelVersionFolder({
    checkpointDir: path.join(runDir, ckpt.dir),
    outDir,
    manifest,
    sampleGrid: ckpt.sample ? path.join(runDir, ckpt.sample) : null,
  });
  const id = randomUUID();
  const checkpointRow = db()
    .select()
    .from(tables.checkpoint)
    .where(eq(tables.checkpoint.id, `${runId}:${input.step}`))
    .get();
  try {
    db()
      .insert(tables.modelVersion)
      .values({
        id,
        name: input.name,
        checkpointId: checkpointRow?.id ?? null,
        dir: rel,
        textEncoderId: state.textEncoderId,
        card: { ...manifest, config: state.config },
        promotedBy: admin.id,
      })
      .run();
  } catch (err) {
    await fs.rm(outDir, { recursive: true, force: true });
    throw err;
  }
  return activateModelVersion(viewer, id);
}
