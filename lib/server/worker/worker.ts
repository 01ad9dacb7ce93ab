/**
 * The worker process: takes dataset imports and training runs from the database one at a time and runs them,
 * recording progress in the database and the run folder. Started by the app when there is work
 * (lib/server/worker/spawn.ts) or by hand (`npm run worker`). Killed mid-run, it loses nothing finished: the run
 * is marked interrupted at the next start and resumes from its last checkpoint on request (or automatically).
 */
import path from "node:path";
import { asc, eq } from "drizzle-orm";
import { config } from "../../config";
import {
  buildEmojiDataset,
  embedDatasetCaptions,
  type ImportFormat,
  importDataset,
  readManifest,
} from "../../data";
import { CorruptCheckpointError } from "../../gan";
import { createTextEncoder } from "../../text";
import { BackendAbortedError, train } from "../../train";
import { datasetDirAbs, type ImportSpec, readReport } from "../dal/datasets";
import { evalNetsDirFor } from "../dal/eval-nets";
import { runDirAbs } from "../dal/runs";
import { db, tables } from "../db";
import { disposeEvalCache, evaluateCheckpoint, nextCheckpointEval, nextEvalNetsJob } from "./eval-jobs";
import { acquireWorkerLock, releaseWorkerLock } from "./lock";

const log = (msg: string) => console.log(`[worker ${process.pid}] ${new Date().toISOString()} ${msg}`);

export interface WorkerOptions {
  /** exit after this long without work (default 10 min) */
  idleExitMs?: number;
  /** resume interrupted runs by themselves (GANVAS_AUTO_RESUME) */
  autoResume?: boolean;
}

/** set when a run aborted the WebAssembly runtime: this process can run no more tensor work */
let backendAborted = false;

export async function runWorker(opts: WorkerOptions = {}): Promise<void> {
  const cfg = config();
  if (!acquireWorkerLock(cfg.dataDir)) {
    log("another worker is running for this data dir; exiting");
    return;
  }
  let stopping = false;
  const current = new AbortController();
  const stop = () => {
    stopping = true;
    current.abort();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  try {
    recoverInterrupted(opts.autoResume ?? false);
    let idleSince = Date.now();
    while (!stopping) {
      heartbeat();
      const did =
        (await nextImport()) ||
        (await nextCheckpointEval(log)) ||
        (await nextEvalNetsJob(log)) ||
        (await nextRun(current.signal));
      if (backendAborted) {
        log("the WebAssembly runtime aborted; exiting so a fresh worker takes the next job");
        break;
      }
      if (did) idleSince = Date.now();
      else if (Date.now() - idleSince > (opts.idleExitMs ?? 600_000)) break;
      else await new Promise((r) => setTimeout(r, 1000));
    }
  } finally {
    disposeEvalCache();
    releaseWorkerLock(cfg.dataDir);
    log("stopped");
  }
}

function heartbeat() {
  db()
    .insert(tables.setting)
    .values({ key: "worker.heartbeat", value: { pid: process.pid, at: Date.now() } })
    .onConflictDoUpdate({
      target: tables.setting.key,
      set: { value: { pid: process.pid, at: Date.now() }, updatedAt: new Date() },
    })
    .run();
}

/** Runs left "running" by a worker that died are interrupted; this worker holds the lock, so none is really running. */
function recoverInterrupted(autoResume: boolean) {
  const r = tables.trainingRun;
  const stale = db().select().from(r).where(eq(r.status, "running")).all();
  for (const s of stale) {
    log(`run ${s.id} was interrupted at step ${s.step}${autoResume ? ": resuming" : ""}`);
    db()
      .update(r)
      .set(
        autoResume
          ? { status: "queued", resume: true, requestedAction: null }
          : {
              status: "interrupted",
              requestedAction: null,
              error:
                "The worker stopped while this run was training. Resume it to continue from its last checkpoint.",
            },
      )
      .where(eq(r.id, s.id))
      .run();
  }
}

async function nextImport(): Promise<boolean> {
  const d = db()
    .select()
    .from(tables.dataset)
    .where(eq(tables.dataset.status, "importing"))
    .orderBy(asc(tables.dataset.createdAt))
    .get();
  if (!d) return false;
  const spec = (d.importSpec ?? {}) as unknown as ImportSpec;
  const outDir = datasetDirAbs(d);
  log(`importing dataset ${d.name} (${spec.kind})`);
  try {
    if (spec.kind === "builtin") await buildEmojiDataset({ outDir });
    else
      await importDataset({
        format: spec.format as ImportFormat,
        src: spec.src as string,
        outDir,
        name: d.name,
        overwrite: true,
      });
    const cfg = config();
    const encoder = await createTextEncoder({
      modelId: cfg.textEncoder,
      modelsDir: cfg.modelsDir,
      cacheDir: path.join(cfg.dataDir, "cache", "text"),
      allowRemote: cfg.allowRemoteModels,
    });
    await embedDatasetCaptions(outDir, encoder);
    const m = await readManifest(outDir);
    db()
      .update(tables.dataset)
      .set({
        status: "ready",
        imageCount: m.count,
        captionCount: m.captionCount,
        contentHash: m.hash,
        report: await readReport(outDir),
        error: null,
      })
      .where(eq(tables.dataset.id, d.id))
      .run();
    log(`dataset ${d.name} ready: ${m.count} images`);
  } catch (err) {
    log(`dataset ${d.name} failed: ${(err as Error).message}`);
    db()
      .update(tables.dataset)
      .set({ status: "failed", error: (err as Error).message })
      .where(eq(tables.dataset.id, d.id))
      .run();
  }
  return true;
}

async function nextRun(workerSignal: AbortSignal): Promise<boolean> {
  const r = tables.trainingRun;
  const row = db().select().from(r).where(eq(r.status, "queued")).orderBy(asc(r.createdAt)).get();
  if (!row) return false;
  const ds = db().select().from(tables.dataset).where(eq(tables.dataset.id, row.datasetId)).get();
  const set = (values: Partial<typeof r.$inferInsert>) =>
    db().update(r).set(values).where(eq(r.id, row.id)).run();
  if (!ds) {
    set({ status: "failed", error: "Its dataset was deleted." });
    return true;
  }
  set({ status: "running", startedAt: row.startedAt ?? new Date(), requestedAction: null, error: null });
  log(`training run ${row.id} (${row.preset}) from step ${row.step}`);
  const ac = new AbortController();
  const onWorkerStop = () => ac.abort();
  workerSignal.addEventListener("abort", onWorkerStop);
  let lastWrite = 0;
  let budgetReached = false;
  let trained = row.trainedSec;
  const budgetSec = row.timeBudgetSec ?? Number.POSITIVE_INFINITY;
  let latestSample: string | null = null;
  /** a warning of this session (a corrupt checkpoint skipped on resume), kept on the run as its error text */
  let warning: string | null = null;
  const parent = row.parentRunId ? db().select().from(r).where(eq(r.id, row.parentRunId)).get() : null;
  try {
    const result = await train({
      runDir: runDirAbs(row),
      datasetDir: datasetDirAbs(ds),
      config: row.config as never,
      resume: true,
      maxSteps: row.maxSteps ?? undefined,
      stage1: parent ? runDirAbs(parent) : undefined,
      signal: ac.signal,
      log,
      // score each checkpoint as it is made, when the run asks for it and the dataset has evaluation networks
      afterCheckpoint: row.evalOnCheckpoint
        ? async ({ step }) => {
            if (await evalNetsDirFor(ds)) await evaluateCheckpoint(row, step, log);
          }
        : undefined,
      onEvent: (e) => {
        if (e.type === "step") {
          const now = Date.now();
          const trainedSec = row.trainedSec + e.elapsedSec;
          trained = trainedSec;
          if (trainedSec >= budgetSec && !budgetReached) {
            budgetReached = true;
            ac.abort();
          }
          if (now - lastWrite > 1000) {
            lastWrite = now;
            // with a time budget the ETA is whichever limit comes first
            const eta = Math.min(e.etaSec, Math.max(0, budgetSec - trainedSec));
            set({ step: e.step, etaSec: Math.round(eta), trainedSec: Math.round(trainedSec) });
            const want = db().select({ a: r.requestedAction }).from(r).where(eq(r.id, row.id)).get()?.a;
            if (want === "pause" || want === "cancel") ac.abort();
          }
        } else if (e.type === "warning") {
          warning = e.message;
          log(`run ${row.id} warning: ${e.message}`);
          set({ step: e.step, error: e.message });
        } else if (e.type === "sample") {
          latestSample = e.file;
        } else if (e.type === "checkpoint") {
          set({ step: e.step });
          db()
            .insert(tables.checkpoint)
            .values({
              id: `${row.id}:${e.step}`,
              runId: row.id,
              step: e.step,
              dir: e.dir,
              samplePath: latestSample,
            })
            .onConflictDoNothing()
            .run();
        }
      },
    });
    const want = db().select({ a: r.requestedAction }).from(r).where(eq(r.id, row.id)).get()?.a;
    const status =
      result.status === "done" || (budgetReached && want !== "cancel")
        ? "completed"
        : want === "cancel"
          ? "cancelled"
          : workerSignal.aborted
            ? "interrupted"
            : "paused";
    set({
      status,
      step: result.step,
      trainedSec: Math.round(trained),
      requestedAction: null,
      finishedAt: status === "completed" ? new Date() : null,
      etaSec: null,
      error:
        [
          budgetReached && status === "completed"
            ? `Stopped at its time budget (${Math.round((row.timeBudgetSec ?? 0) / 6) / 10} min).`
            : null,
          warning,
        ]
          .filter(Boolean)
          .join(" ") || null,
    });
    log(`run ${row.id} ${status} at step ${result.step}`);
  } catch (err) {
    const message = describeTrainError(err);
    log(`run ${row.id} failed: ${message}`);
    set({ status: "failed", error: message, requestedAction: null, etaSec: null });
    // the WebAssembly runtime is gone: end this worker so the app starts a fresh one for the next job
    if (err instanceof BackendAbortedError) backendAborted = true;
  } finally {
    workerSignal.removeEventListener("abort", onWorkerStop);
  }
  return true;
}

/** The text an admin sees on a failed run: what happened and what to do, never a stack trace. */
export function describeTrainError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === "ENOSPC")
    return "The disk is full: free some space, then resume the run (its last checkpoint is intact).";
  if (e?.code === "EDQUOT")
    return "The disk quota is used up: free some space, then resume the run (its last checkpoint is intact).";
  if (err instanceof CorruptCheckpointError) return `Cannot resume: ${err.message}`;
  return e?.message ?? String(err);
}
