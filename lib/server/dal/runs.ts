import "server-only";
import { randomUUID } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { and, asc, desc, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { config } from "../../config";
import { AppError } from "../../errors";
import { PRESET_NAMES, PRESETS, type PresetName } from "../../gan";
import { requireAdmin, type Viewer } from "../auth/session";
import { db, tables } from "../db";

const run = tables.trainingRun;
export type RunStatus = (typeof run.$inferSelect)["status"];
export const ACTIVE_STATUSES: RunStatus[] = ["queued", "running"];

/** Presets an admin may start from the console (the benchmark and test-only ones are left out). */
export const CONSOLE_PRESETS = PRESET_NAMES.filter((p) => p !== "bench-stage1");

export const newRunSchema = z
  .object({
    datasetId: z.string().min(1, { error: "choose a dataset" }),
    preset: z.enum(CONSOLE_PRESETS as [PresetName, ...PresetName[]], {
      error: `preset must be one of ${CONSOLE_PRESETS.join(", ")}`,
    }),
    /** stage-2 presets: the finished Stage-I run to build on */
    parentRunId: z.string().optional(),
    maxSteps: z.number().int().min(1).max(10_000_000),
    /** optional time budget in minutes of training */
    maxMinutes: z
      .number()
      .min(0.1, { error: "the time budget must be at least 0.1 minutes" })
      .max(1_000_000)
      .optional(),
    batchSize: z.number().int().min(1).max(256).optional(),
    lr: z.number().positive().max(0.1).optional(),
    klWeight: z.number().min(0).max(100).optional(),
    sampleEvery: z.number().int().min(1).max(1_000_000).optional(),
    checkpointEvery: z.number().int().min(1).max(1_000_000).optional(),
    /** score each checkpoint when it is made (default GANVAS_EVAL_ON_CHECKPOINT) */
    evalOnCheckpoint: z.boolean().optional(),
    /** augment what the discriminator sees (DiffAugment translation + cutout; default: the preset's, off) */
    diffAugment: z.boolean().optional(),
    /** the mode-seeking term against look-alike seeds (train.modeSeekWeight 1; default: the preset's, off) */
    modeSeek: z.boolean().optional(),
  })
  .strict();
export type NewRun = z.infer<typeof newRunSchema>;

export interface RunSummary {
  id: string;
  datasetId: string;
  datasetName: string;
  parentRunId: string | null;
  preset: string;
  status: RunStatus;
  step: number;
  maxSteps: number | null;
  timeBudgetSec: number | null;
  trainedSec: number;
  etaSec: number | null;
  dir: string;
  error: string | null;
  requestedAction: string | null;
  evalOnCheckpoint: boolean;
  config: Record<string, unknown>;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** position in the queue (1 = next) for queued runs */
  queuePosition: number | null;
}

export const runDirAbs = (r: { dir: string }) => path.join(config().dataDir, r.dir);

function rows() {
  return db()
    .select({ run, datasetName: tables.dataset.name })
    .from(run)
    .leftJoin(tables.dataset, eq(tables.dataset.id, run.datasetId));
}

function toSummary(
  r: { run: typeof run.$inferSelect; datasetName: string | null },
  queue: string[],
): RunSummary {
  const x = r.run;
  const pos = queue.indexOf(x.id);
  return {
    id: x.id,
    datasetId: x.datasetId,
    datasetName: r.datasetName ?? "(deleted)",
    parentRunId: x.parentRunId,
    preset: x.preset,
    status: x.status,
    step: x.step,
    maxSteps: x.maxSteps,
    timeBudgetSec: x.timeBudgetSec,
    trainedSec: x.trainedSec,
    etaSec: x.etaSec,
    dir: x.dir,
    error: x.error,
    requestedAction: x.requestedAction,
    evalOnCheckpoint: x.evalOnCheckpoint,
    config: x.config,
    createdAt: x.createdAt.toISOString(),
    startedAt: x.startedAt?.toISOString() ?? null,
    finishedAt: x.finishedAt?.toISOString() ?? null,
    queuePosition: pos >= 0 ? pos + 1 : null,
  };
}

/** queued run ids in the order the worker takes them */
export function runQueue(): string[] {
  return db()
    .select({ id: run.id })
    .from(run)
    .where(eq(run.status, "queued"))
    .orderBy(asc(run.createdAt))
    .all()
    .map((r) => r.id);
}

export function listRuns(viewer: Viewer | null): RunSummary[] {
  requireAdmin(viewer);
  const q = runQueue();
  return rows()
    .orderBy(desc(run.createdAt))
    .all()
    .map((r) => toSummary(r, q));
}

export function getRun(viewer: Viewer | null, id: string): RunSummary {
  requireAdmin(viewer);
  const r = rows().where(eq(run.id, id)).get();
  if (!r) throw new AppError("NOT_FOUND", "No such training run.");
  return toSummary(r, runQueue());
}

/** Queue a new run (the worker starts it when it is free). */
export function createRun(viewer: Viewer | null, input: NewRun): RunSummary {
  const admin = requireAdmin(viewer);
  const d = db().select().from(tables.dataset).where(eq(tables.dataset.id, input.datasetId)).get();
  if (!d) throw new AppError("VALIDATION", "The chosen dataset does not exist.");
  if (d.status !== "ready")
    throw new AppError("VALIDATION", `Dataset "${d.name}" is not ready (${d.status}).`);
  const preset = PRESETS[input.preset];
  if (preset.stage === 2) {
    if (!input.parentRunId)
      throw new AppError(
        "VALIDATION",
        "A Stage-II preset needs a finished Stage-I run to build on (parentRunId).",
      );
    const parent = db().select().from(run).where(eq(run.id, input.parentRunId)).get();
    if (!parent || parent.step === 0)
      throw new AppError(
        "VALIDATION",
        "The Stage-I run to build on does not exist or has no checkpoint yet.",
      );
  }
  const t = preset.train;
  const batchSize = input.batchSize ?? t.batchSize;
  if (input.modeSeek && batchSize % 2 !== 0)
    throw new AppError(
      "VALIDATION",
      `Spreading each prompt's pictures compares images in pairs: choose an even batch size (not ${batchSize}).`,
    );
  const cfg = {
    ...preset,
    train: {
      ...t,
      maxSteps: input.maxSteps,
      batchSize,
      lrG: input.lr ?? t.lrG,
      lrD: input.lr ?? t.lrD,
      klWeight: input.klWeight ?? t.klWeight,
      sampleEvery: input.sampleEvery ?? Math.min(t.sampleEvery, Math.max(1, Math.ceil(input.maxSteps / 10))),
      checkpointEvery:
        input.checkpointEvery ?? Math.min(t.checkpointEvery, Math.max(1, Math.ceil(input.maxSteps / 10))),
      logEvery: Math.min(t.logEvery, Math.max(1, Math.ceil(input.maxSteps / 100))),
      diffAugment:
        input.diffAugment === undefined
          ? t.diffAugment
          : input.diffAugment
            ? (["translation", "cutout"] as const)
            : [],
      modeSeekWeight: input.modeSeek === undefined ? t.modeSeekWeight : input.modeSeek ? 1 : 0,
    },
  };
  const id = randomUUID();
  db()
    .insert(run)
    .values({
      id,
      datasetId: d.id,
      parentRunId: input.parentRunId ?? null,
      preset: input.preset,
      config: cfg as unknown as Record<string, unknown>,
      status: "queued",
      maxSteps: input.maxSteps,
      timeBudgetSec: input.maxMinutes ? Math.round(input.maxMinutes * 60) : null,
      dir: `runs/${id}`,
      evalOnCheckpoint: input.evalOnCheckpoint ?? config().evalOnCheckpoint,
      createdBy: admin.id,
    })
    .run();
  return getRun(viewer, id);
}

/** pause / cancel a running or queued run; resume a paused, interrupted or failed one */
export function controlRun(
  viewer: Viewer | null,
  id: string,
  action: "pause" | "cancel" | "resume",
): RunSummary {
  const r = getRun(viewer, id);
  const set = (values: Partial<typeof run.$inferInsert>) =>
    db().update(run).set(values).where(eq(run.id, id)).run();
  if (action === "resume") {
    if (!["paused", "interrupted", "failed"].includes(r.status))
      throw new AppError("CONFLICT", `A ${r.status} run cannot be resumed.`);
    set({ status: "queued", resume: true, requestedAction: null, error: null, finishedAt: null });
  } else if (r.status === "queued") {
    set({ status: action === "pause" ? "paused" : "cancelled", requestedAction: null });
  } else if (r.status === "running") {
    set({ requestedAction: action });
  } else if (action === "cancel" && ["paused", "interrupted", "failed"].includes(r.status)) {
    set({ status: "cancelled", requestedAction: null });
  } else {
    throw new AppError(
      "CONFLICT",
      `A ${r.status} run cannot be ${action === "pause" ? "paused" : "cancelled"}.`,
    );
  }
  return getRun(viewer, id);
}

export async function deleteRun(viewer: Viewer | null, id: string): Promise<void> {
  const r = getRun(viewer, id);
  if (r.status === "running") throw new AppError("CONFLICT", "Stop the run before deleting it.");
  const used = db()
    .select({ id: tables.modelVersion.id })
    .from(tables.modelVersion)
    .innerJoin(tables.checkpoint, eq(tables.checkpoint.id, tables.modelVersion.checkpointId))
    .where(eq(tables.checkpoint.runId, id))
    .get();
  if (used) throw new AppError("CONFLICT", "A model version was promoted from this run; it is kept.");
  db().delete(run).where(eq(run.id, id)).run();
  await fs.rm(runDirAbs(r), { recursive: true, force: true });
}

/** runs the worker owns right now */
export function activeRuns() {
  return db().select().from(run).where(inArray(run.status, ACTIVE_STATUSES)).all();
}

export function checkpointRows(runId: string) {
  return db()
    .select()
    .from(tables.checkpoint)
    .where(and(eq(tables.checkpoint.runId, runId)))
    .orderBy(desc(tables.checkpoint.step))
    .all();
}
