import { promises as fs, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";

/**
 * Disk full and corrupt checkpoints, seen from the worker (in this process, real SQLite, real tiny runs):
 * the run ends "failed" with a clear message or goes on with a warning on it, and the worker takes the next job.
 * A disk-full fault is injected by making fs.promises.writeFile throw ENOSPC inside one checkpoint folder; it also
 * serves to stop a run at a known step.
 */
const dataDir = mkdtempSync(path.join(os.tmpdir(), "ganvas-faults-"));
process.env.GANVAS_DATA_DIR = dataDir;
const { writeSyntheticShapesDataset } = await import("@/lib/data");
const { loadCheckpoint } = await import("@/lib/gan");
const server = await import("@/lib/server");

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
afterEach(() => {
  vi.restoreAllMocks();
});

type Admin = { id: string; username: string; role: "admin" };
let admin: Admin;
let datasetId: string;

async function setup() {
  if (admin) return;
  await writeSyntheticShapesDataset(path.join(dataDir, "datasets", "shapes"), { count: 24, dim: 32 });
  admin = {
    id: (await server.setupAdmin("root", "password123", new Headers())).userId,
    username: "root",
    role: "admin",
  };
  datasetId = (await server.listDatasets(admin))[0].id;
}

const newRun = (maxSteps: number) =>
  server.createRun(admin, {
    datasetId,
    preset: "tiny",
    maxSteps,
    batchSize: 4,
    checkpointEvery: 2,
    sampleEvery: 1000,
  });

/** the disk is full whenever a file is written into these runs' checkpoint folders for these steps */
function diskFullAt(faults: { runId: string; step: number }[]) {
  const real = fs.writeFile;
  return vi.spyOn(fs, "writeFile").mockImplementation(async (file, ...rest) => {
    const f = String(file);
    if (faults.some((x) => f.includes(x.runId) && f.includes(`.tmp-step-${String(x.step).padStart(6, "0")}`)))
      throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC", path: f });
    return real(file, ...rest);
  });
}

/** one worker pass: takes every queued job, then exits when idle (its log lines muted) */
async function work(): Promise<void> {
  const mute = vi.spyOn(console, "log").mockImplementation(() => {});
  try {
    await server.runWorker({ idleExitMs: 100 });
  } finally {
    mute.mockRestore();
  }
}

const runDir = (id: string) => server.runDirAbs(server.getRun(admin, id));
const ckptDir = (id: string) => path.join(runDir(id), "checkpoints");
const latest = async (id: string) =>
  JSON.parse(await fs.readFile(path.join(ckptDir(id), "latest.json"), "utf8")) as {
    step: number;
    dir: string;
  };
async function loggedSteps(id: string): Promise<number[]> {
  return (await fs.readFile(path.join(runDir(id), "progress.jsonl"), "utf8"))
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l))
    .filter((e) => e.type === "step")
    .map((e) => e.step);
}
async function walk(d: string): Promise<string[]> {
  const entries = await fs.readdir(d, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : Promise.resolve([e.name]))),
  );
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .concat(nested.flat());
}
async function flipByte(file: string): Promise<void> {
  const bytes = await fs.readFile(file);
  bytes[Math.floor(bytes.length / 2)] ^= 0x10;
  await fs.writeFile(file, bytes);
}

describe("worker faults", () => {
  it("disk full while checkpointing: run failed with a clear message, previous checkpoint intact, resumes after", async () => {
    await setup();
    const run = newRun(6);
    const fault = diskFullAt([{ runId: run.id, step: 4 }]);
    await work();
    expect(fault).toHaveBeenCalled();
    const failed = server.getRun(admin, run.id);
    expect(failed.status).toBe("failed");
    expect(failed.error).toBe(
      "The disk is full: free some space, then resume the run (its last checkpoint is intact).",
    );
    expect(await latest(run.id)).toEqual({ step: 2, dir: "step-000002" });
    expect((await walk(runDir(run.id))).filter((f) => f.includes(".tmp"))).toEqual([]);
    const previous = await loadCheckpoint(runDir(run.id), { withDiscriminator: true });
    expect(previous.state.step).toBe(2);
    previous.model.dispose();

    // space is freed; the admin resumes: it continues from step 2 to the end
    vi.restoreAllMocks();
    server.controlRun(admin, run.id, "resume");
    await work();
    const done = server.getRun(admin, run.id);
    expect(done).toMatchObject({ status: "completed", step: 6, error: null });
    expect(await loggedSteps(run.id)).toEqual([1, 2, 3, 4, 5, 6]);
    expect((await latest(run.id)).step).toBe(6);
  }, 60_000);

  it("corrupt checkpoints: falls back with a warning on the run; none intact fails clearly and the worker goes on", async () => {
    await setup();
    // stop two runs at known steps with the disk-full fault: a has checkpoints 2 and 4, b only 2
    const a = newRun(8);
    const b = newRun(4);
    diskFullAt([
      { runId: a.id, step: 6 },
      { runId: b.id, step: 4 },
    ]);
    await work();
    expect(server.getRun(admin, a.id).status).toBe("failed");
    expect(server.getRun(admin, b.id).status).toBe("failed");
    vi.restoreAllMocks();

    await flipByte(path.join(ckptDir(a.id), "step-000004", "weights.bin"));
    await flipByte(path.join(ckptDir(b.id), "step-000002", "weights.bin"));
    server.controlRun(admin, a.id, "resume");
    server.controlRun(admin, b.id, "resume");
    const next = newRun(2); // queued behind them: the worker must still be there to take it
    await work();

    const ra = server.getRun(admin, a.id);
    expect(ra).toMatchObject({ status: "completed", step: 8 });
    expect(ra.error).toMatch(
      /^Checkpoint step-000004 \(weights\.bin checksum mismatch\) was corrupt: resumed from step-000002 instead; the damaged folder was kept as checkpoints\/corrupt-step-000004\.$/,
    );
    expect(await loggedSteps(a.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const names = await fs.readdir(ckptDir(a.id));
    expect(names).toContain("corrupt-step-000004");
    expect(names).toContain("step-000008");

    const rb = server.getRun(admin, b.id);
    expect(rb.status).toBe("failed");
    expect(rb.error).toMatch(
      /^Cannot resume: checkpoint step-000002 is corrupt \(weights\.bin checksum mismatch\) and no earlier checkpoint is intact: start a new run or restore the folder .*checkpoints from a backup\.$/,
    );
    expect((await fs.readdir(ckptDir(b.id))).sort()).toEqual(["latest.json", "step-000002"]); // left as it was

    expect(server.getRun(admin, next.id)).toMatchObject({ status: "completed", step: 2 });
  }, 60_000);
});
