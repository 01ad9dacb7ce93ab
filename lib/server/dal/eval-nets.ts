import "server-only";
import { promises as fs } from "node:fs";
import path from "node:path";
import { asc, eq } from "drizzle-orm";
import { config } from "../../config";
import { AppError } from "../../errors";
import type { EvalSummary } from "../../eval";
import { stepDirName } from "../../train";
import { requireAdmin, type Viewer } from "../auth/session";
import { db, tables } from "../db";
import { datasetDirAbs } from "./datasets";
import { listCheckpointsOnDisk } from "./run-files";
import { getRun } from "./runs";

type DatasetRow = Pick<typeof tables.dataset.$inferSelect, "dir" | "name">;

const exists = (f: string) =>
  fs.stat(f).then(
    () => true,
    () => false,
  );

/**
 * Where a dataset's evaluation networks are: `<dataset>/eval` (trained from the console) or
 * `<data>/eval/<name>` (trained with `npm run eval:train`); null when neither has a finished version.
 */
export async function evalNetsDirFor(ds: DatasetRow): Promise<string | null> {
  for (const dir of [path.join(datasetDirAbs(ds), "eval"), path.join(config().dataDir, "eval", ds.name)])
    if (await exists(path.join(dir, "latest.json"))) return dir;
  return null;
}

export interface EvalNetsInfo {
  /** queued / training (a job of the worker), failed, ready, or none */
  status: "none" | "queued" | "training" | "ready" | "failed";
  error: string | null;
  version: string | null;
  trainSeconds: number | null;
  /** the real-image ceiling measured when they were trained, per split */
  real: Record<string, { rPrecision: number; chance: number }> | null;
  /** while training: steps done of total */
  progress: { step: number; total: number; elapsedSec: number } | null;
}

export async function evalNetsInfo(
  ds: DatasetRow & Pick<typeof tables.dataset.$inferSelect, "evalNetsStatus" | "evalNetsError">,
): Promise<EvalNetsInfo> {
  const dir = await evalNetsDirFor(ds);
  let version: string | null = null;
  let trainSeconds: number | null = null;
  let real: EvalNetsInfo["real"] = null;
  if (dir) {
    try {
      version = (JSON.parse(await fs.readFile(path.join(dir, "latest.json"), "utf8")) as { version: string })
        .version;
      const m = JSON.parse(await fs.readFile(path.join(dir, version, "eval-net.json"), "utf8")) as {
        trainSeconds?: number;
        metrics?: { splits?: Record<string, { chance: number; real: { rPrecision: number } }> };
      };
      trainSeconds = m.trainSeconds ?? null;
      real = Object.fromEntries(
        Object.entries(m.metrics?.splits ?? {}).map(([k, v]) => [
          k,
          { rPrecision: v.real.rPrecision, chance: v.chance },
        ]),
      );
    } catch {
      version = null;
    }
  }
  let progress: EvalNetsInfo["progress"] = null;
  if (ds.evalNetsStatus === "training")
    progress = await fs
      .readFile(path.join(datasetDirAbs(ds), "eval", "progress.json"), "utf8")
      .then((t) => JSON.parse(t) as EvalNetsInfo["progress"])
      .catch(() => null);
  return {
    status: ds.evalNetsStatus ?? (version ? "ready" : "none"),
    error: ds.evalNetsError,
    version,
    trainSeconds,
    real,
    progress,
  };
}

/** Ask the worker to train (or retrain) a dataset's evaluation networks. Admins only. */
export function requestEvalNets(viewer: Viewer | null, datasetId: string): void {
  requireAdmin(viewer);
  const t = tables.dataset;
  const row = db().select().from(t).where(eq(t.id, datasetId)).get();
  if (!row) throw new AppError("NOT_FOUND", "No such dataset.");
  if (row.status !== "ready")
    throw new AppError("CONFLICT", `Dataset ${row.name} is ${row.status}: it must be ready first.`);
  if (row.evalNetsStatus === "queued" || row.evalNetsStatus === "training")
    throw new AppError("CONFLICT", "Its evaluation networks are already being trained.");
  db().update(t).set({ evalNetsStatus: "queued", evalNetsError: null }).where(eq(t.id, datasetId)).run();
}

/** Ask the worker to evaluate a checkpoint of a run (it must still be on disk). Admins only. */
export async function requestCheckpointEval(
  viewer: Viewer | null,
  runId: string,
  step: number,
): Promise<void> {
  const run = getRun(viewer, runId);
  const ck = tables.checkpoint;
  const rel = `checkpoints/${stepDirName(step)}`;
  if (!(await exists(path.join(config().dataDir, run.dir, rel, "state.json"))))
    throw new AppError("NOT_FOUND", `Run has no checkpoint at step ${step} (any more).`);
  const row = db()
    .select()
    .from(ck)
    .where(eq(ck.id, `${runId}:${step}`))
    .get();
  if (row?.evalStatus === "queued" || row?.evalStatus === "running")
    throw new AppError("CONFLICT", `Checkpoint ${step} is already being evaluated.`);
  db()
    .insert(ck)
    .values({
      id: `${runId}:${step}`,
      runId,
      step,
      dir: rel,
      evalStatus: "queued",
    })
    .onConflictDoUpdate({ target: ck.id, set: { evalStatus: "queued", evalError: null } })
    .run();
}

export interface CheckpointView {
  step: number;
  dir: string;
  sample: string | null;
  bytes: number;
  evalStatus: "queued" | "running" | "done" | "failed" | null;
  evalError: string | null;
  metrics: EvalSummary | null;
}

/**
 * A run's checkpoints on disk with their evaluation state, and the metrics of every checkpoint ever evaluated
 * (the trainer prunes old checkpoint folders; their figures stay for the quality-over-steps chart).
 */
export async function runCheckpointsView(
  runId: string,
  runDir: string,
): Promise<{ checkpoints: CheckpointView[]; evaluated: { step: number; metrics: EvalSummary }[] }> {
  const ck = tables.checkpoint;
  const rows = db().select().from(ck).where(eq(ck.runId, runId)).orderBy(asc(ck.step)).all();
  const byStep = new Map(rows.map((r) => [r.step, r]));
  const checkpoints = (await listCheckpointsOnDisk(runDir)).map((c) => {
    const r = byStep.get(c.step);
    return {
      ...c,
      evalStatus: r?.evalStatus ?? null,
      evalError: r?.evalError ?? null,
      metrics: (r?.metrics as EvalSummary | null) ?? null,
    };
  });
  const evaluated = rows
    .filter((r) => r.evalStatus === "done" && r.metrics)
    .map((r) => ({ step: r.step, metrics: r.metrics as unknown as EvalSummary }));
  return { checkpoints, evaluated };
}
