/**
 * Evaluation work of the worker process: training a dataset's evaluation networks, and scoring checkpoints
 * (right after the trainer writes one, when the run asks for it, or when an admin asks for one).
 * Metrics land in checkpoint.metrics (lib/eval EvalSummary); failures in checkpoint.evalError.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { and, asc, eq } from "drizzle-orm";
import { config } from "../../config";
import { type LoadedDataset, loadDataset } from "../../data";
import {
  buildEvalNets,
  type EvalSummary,
  evaluateGenerator,
  type LoadedEvalNets,
  loadEvalNets,
  openCheckpointGenerator,
  summariseEval,
} from "../../eval";
import { TRUNCATION_DEFAULT } from "../../generate-events";
import { initBackend } from "../../tensor";
import { stepDirName } from "../../train";
import { datasetDirAbs } from "../dal/datasets";
import { evalNetsDirFor } from "../dal/eval-nets";
import { runDirAbs } from "../dal/runs";
import { db, tables } from "../db";

type Log = (msg: string) => void;
const ck = tables.checkpoint;

/** Dataset + eval nets stay loaded between checkpoints of the same run (loading them takes seconds). */
let cache: { key: string; dataset: LoadedDataset; nets: LoadedEvalNets } | null = null;

async function loadForEval(
  ds: typeof tables.dataset.$inferSelect,
): Promise<{ dataset: LoadedDataset; nets: LoadedEvalNets } | null> {
  const evalDir = await evalNetsDirFor(ds);
  if (!evalDir) return null;
  const latest = await fs.readFile(path.join(evalDir, "latest.json"), "utf8").catch(() => "");
  const key = `${ds.id}:${ds.contentHash}:${evalDir}:${latest}`;
  if (cache?.key === key) return cache;
  disposeEvalCache();
  const dir = datasetDirAbs(ds);
  const dataset = await loadDataset(dir, { sizes: [64] });
  const nets = await loadEvalNets(evalDir, {
    hash: dataset.manifest.hash,
    textEncoderId: dataset.manifest.textEncoder?.id ?? null,
    datasetDir: dir,
  });
  cache = { key, dataset, nets };
  return cache;
}

export function disposeEvalCache(): void {
  cache?.nets.nets.dispose();
  cache = null;
}

/**
 * Score one checkpoint of a run and store the figures on its row. Never throws: a failure is recorded on the
 * checkpoint (training goes on).
 */
export async function evaluateCheckpoint(
  run: typeof tables.trainingRun.$inferSelect,
  step: number,
  log: Log,
): Promise<EvalSummary | null> {
  const id = `${run.id}:${step}`;
  const set = (values: Partial<typeof ck.$inferInsert>) =>
    db().update(ck).set(values).where(eq(ck.id, id)).run();
  const ds = db().select().from(tables.dataset).where(eq(tables.dataset.id, run.datasetId)).get();
  try {
    if (!ds) throw new Error("Its dataset was deleted.");
    const loaded = await loadForEval(ds);
    if (!loaded)
      throw new Error(
        `Dataset ${ds.name} has no evaluation networks yet: train them on its page (Admin → Datasets).`,
      );
    set({ evalStatus: "running", evalError: null });
    const t0 = performance.now();
    const gen = await openCheckpointGenerator(path.join(runDirAbs(run), "checkpoints", stepDirName(step)));
    try {
      const n = config().evalSamples;
      const truncation = TRUNCATION_DEFAULT; // scored as the studio serves them
      const runs = await evaluateGenerator({
        gen,
        dataset: loaded.dataset,
        evalNets: loaded.nets,
        splits: ["val", "test"],
        n,
        seed: 0,
        truncation,
      });
      const summary = summariseEval(
        Object.fromEntries(Object.entries(runs).map(([k, r]) => [k, r.metrics])),
        {
          n,
          seed: 0,
          truncation,
          evalNets: loaded.nets.manifest.version,
          seconds: Math.round((performance.now() - t0) / 100) / 10,
        },
      );
      set({ evalStatus: "done", metrics: summary as unknown as Record<string, unknown>, evalError: null });
      const v = summary.splits.val ?? Object.values(summary.splits)[0];
      log(
        `checkpoint ${step} evaluated in ${summary.seconds} s` +
          (v
            ? `: R-precision ${(v.generated.rPrecision * 100).toFixed(1)}% (real ${(v.real.rPrecision * 100).toFixed(1)}%)`
            : ""),
      );
      return summary;
    } finally {
      await gen.dispose();
    }
  } catch (err) {
    const message = (err as Error).message ?? String(err);
    log(`checkpoint ${step} of run ${run.id}: evaluation failed: ${message}`);
    set({ evalStatus: "failed", evalError: message });
    return null;
  }
}

/** A checkpoint evaluation an admin asked for; false when there is none. */
export async function nextCheckpointEval(log: Log): Promise<boolean> {
  const row = db().select().from(ck).where(eq(ck.evalStatus, "queued")).orderBy(asc(ck.createdAt)).get();
  if (!row) return false;
  const run = db().select().from(tables.trainingRun).where(eq(tables.trainingRun.id, row.runId)).get();
  if (!run) {
    db().delete(ck).where(eq(ck.id, row.id)).run();
    return true;
  }
  await evaluateCheckpoint(run, row.step, log);
  return true;
}

/** Training a dataset's evaluation networks; false when none is asked for. */
export async function nextEvalNetsJob(log: Log): Promise<boolean> {
  const t = tables.dataset;
  const row = db()
    .select()
    .from(t)
    .where(and(eq(t.evalNetsStatus, "queued"), eq(t.status, "ready")))
    .orderBy(asc(t.createdAt))
    .get();
  if (!row) return false;
  const set = (values: Partial<typeof t.$inferInsert>) =>
    db().update(t).set(values).where(eq(t.id, row.id)).run();
  set({ evalNetsStatus: "training", evalNetsError: null });
  const dir = datasetDirAbs(row);
  const progressFile = path.join(dir, "eval", "progress.json");
  try {
    const backend = await initBackend();
    const dataset = await loadDataset(dir, { sizes: [64] });
    await fs.mkdir(path.dirname(progressFile), { recursive: true });
    log(`training evaluation networks for ${row.name}`);
    let lastWrite = 0;
    const built = await buildEvalNets({
      dataset,
      outDir: path.join(dir, "eval"),
      backend: backend.description,
      n: config().evalSamples,
      onLog: (e, total) => {
        if (Date.now() - lastWrite < 1000) return;
        lastWrite = Date.now();
        void fs
          .writeFile(progressFile, JSON.stringify({ step: e.step, total, elapsedSec: e.elapsedSec }))
          .catch(() => {});
      },
    });
    set({ evalNetsStatus: null, evalNetsError: null });
    log(`evaluation networks ${built.version} for ${row.name} ready in ${built.seconds.toFixed(0)} s`);
  } catch (err) {
    const message = (err as Error).message ?? String(err);
    log(`evaluation networks for ${row.name} failed: ${message}`);
    set({ evalNetsStatus: "failed", evalNetsError: message });
  } finally {
    await fs.rm(progressFile, { force: true });
  }
  return true;
}
