import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

/**
 * The worker process is killed with SIGKILL in the middle of a training run; a new worker marks the run interrupted,
 * and after "resume" it continues from the last checkpoint (the step count goes on, nothing is corrupted).
 * Real processes, a real SQLite database and a real (tiny) training run.
 */
const dataDir = mkdtempSync(path.join(os.tmpdir(), "ganvas-worker-"));
process.env.GANVAS_DATA_DIR = dataDir;
const { writeSyntheticShapesDataset } = await import("@/lib/data");
const { loadCheckpoint } = await import("@/lib/gan");
const server = await import("@/lib/server");

const root = path.resolve(import.meta.dirname, "../../..");
const children: ChildProcess[] = [];

function startWorker(): ChildProcess {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "--import", "./scripts/lib/server-only-shim.mjs", "scripts/worker.ts"],
    {
      cwd: root,
      env: { ...process.env, GANVAS_DATA_DIR: dataDir, GANVAS_WORKER_IDLE_EXIT_SEC: "5" },
      stdio: "ignore",
    },
  );
  children.push(child);
  return child;
}

// The worker trains at nice +10, as in production: on a 2-core machine where two other test files train at nice 0
// it gets about a tenth of a core, and its 120 steps can take minutes instead of the usual 20 s. The waits are long
// enough for that; a worker that never gets there still fails the test.
const WAIT_MS = 300_000;

async function until<T>(
  what: string,
  f: () => T | undefined | null | false,
  timeoutMs = WAIT_MS,
): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

afterAll(() => {
  for (const c of children) c.kill("SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

describe("worker crash and resume", () => {
  it(
    "resumes a SIGKILLed run from its last checkpoint with the step count continuing",
    async () => {
      await writeSyntheticShapesDataset(path.join(dataDir, "datasets", "shapes"), { count: 48, dim: 32 });
      const admin = {
        id: (await server.setupAdmin("root", "password123", new Headers())).userId,
        username: "root",
        role: "admin" as const,
      };
      const [dataset] = await server.listDatasets(admin);
      expect(dataset.name).toBe("shapes");
      const run = server.createRun(admin, {
        datasetId: dataset.id,
        preset: "tiny",
        maxSteps: 120,
        checkpointEvery: 20,
        sampleEvery: 40,
      });
      const runDir = server.runDirAbs(run);
      const latest = () => {
        try {
          return JSON.parse(readFileSync(path.join(runDir, "checkpoints", "latest.json"), "utf8")) as {
            step: number;
          };
        } catch {
          return null;
        }
      };

      const first = startWorker();
      const killedAfter = (
        await until("a checkpoint at step 40", () => ((latest()?.step ?? 0) >= 40 ? latest() : null))
      ).step;
      // it trains below the server's priority, on every one of its threads (OpenMP and worker threads included)
      const niceOf = (stat: string) => Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
      const tasks = readdirSync(`/proc/${first.pid}/task`);
      expect(tasks.length).toBeGreaterThan(1);
      for (const t of tasks)
        expect(niceOf(readFileSync(`/proc/${first.pid}/task/${t}/stat`, "utf8"))).toBe(
          Math.min(19, os.getPriority() + 10),
        );
      // the worker process itself (the one holding the lock) dies without any chance to clean up
      expect(server.livingWorker(dataDir)).toBe(first.pid);
      first.kill("SIGKILL");
      await new Promise((r) => first.once("exit", r));
      const stepAtKill = server.getRun(admin, run.id).step;
      const readSteps = () =>
        readFileSync(path.join(runDir, "progress.jsonl"), "utf8")
          .split("\n")
          .filter(Boolean)
          .map((l) => JSON.parse(l))
          .filter((e) => e.type === "step")
          .map((e) => e.step as number);
      const loggedBeforeKill = readSteps().length;
      expect(server.getRun(admin, run.id).status).toBe("running"); // nobody told the database

      // the next worker finds the run orphaned and marks it interrupted
      startWorker();
      await until("interrupted", () => server.getRun(admin, run.id).status === "interrupted");
      expect(server.getRun(admin, run.id).error).toMatch(/Resume it to continue from its last checkpoint/);
      const resumeFrom = (latest() as { step: number }).step;
      expect(resumeFrom).toBeGreaterThanOrEqual(killedAfter);

      server.controlRun(admin, run.id, "resume");
      await until("completed", () => server.getRun(admin, run.id).status === "completed");
      expect(server.getRun(admin, run.id).step).toBe(120);

      // the progress log goes on from the checkpoint: never from zero, no gap beyond one checkpoint interval
      const steps = readSteps();
      const after = steps.slice(loggedBeforeKill);
      expect(after.length).toBeGreaterThan(0);
      expect(after[0]).toBeGreaterThan(resumeFrom);
      expect(after[0]).toBeLessThanOrEqual(resumeFrom + 20);
      expect(Math.min(...after)).toBe(after[0]);
      expect(steps.at(-1)).toBe(120);
      expect(stepAtKill).toBeGreaterThanOrEqual(resumeFrom - 20);

      // every checkpoint left on disk is complete and loads; no temporary files anywhere
      const ckpts = readdirSync(path.join(runDir, "checkpoints")).filter((n) => n.startsWith("step-"));
      expect(ckpts.length).toBeGreaterThan(0);
      for (const c of ckpts) {
        const loaded = await loadCheckpoint(path.join(runDir, "checkpoints", c));
        expect(loaded.state.step).toBe(Number(c.slice(5)));
        loaded.model.dispose();
      }
      const walk = (d: string): string[] =>
        readdirSync(d, { withFileTypes: true }).flatMap((e) =>
          e.isDirectory() ? walk(path.join(d, e.name)) : [e.name],
        );
      expect(walk(runDir).filter((f) => f.includes(".tmp"))).toEqual([]);
      expect(existsSync(path.join(runDir, "run.json"))).toBe(true);
    },
    3 * WAIT_MS,
  );
});

describe("time budget", () => {
  it(
    "completes a run when its training time reaches the budget, whatever its step budget",
    async () => {
      const admin = {
        id: server.listUsers({ id: "x", username: "x", role: "admin" })[0].id,
        username: "root",
        role: "admin" as const,
      };
      const [dataset] = await server.listDatasets(admin);
      const run = server.createRun(admin, {
        datasetId: dataset.id,
        preset: "tiny",
        maxSteps: 1_000_000,
        maxMinutes: 0.2,
      });
      startWorker();
      await until("completed", () => server.getRun(admin, run.id).status === "completed");
      const done = server.getRun(admin, run.id);
      expect(done.error).toMatch(/time budget \(0\.2 min\)/);
      expect(done.trainedSec).toBeGreaterThanOrEqual(12);
      expect(done.trainedSec).toBeLessThan(40);
      expect(done.step).toBeGreaterThan(0);
      expect(done.step).toBeLessThan(1_000_000);
    },
    WAIT_MS + 30_000,
  );
});
