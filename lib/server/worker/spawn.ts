import "server-only";
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { config } from "../../config";
import { livingWorker } from "./lock";

const g = globalThis as unknown as { ganvasWorkerSpawnedAt?: number };

/**
 * Make sure a worker process is running for this data dir (training and imports never run inside a request).
 * It is started detached, logs to <data>/logs/worker.log, and exits by itself when idle.
 */
export function ensureWorker(): number | null {
  const { dataDir } = config();
  const alive = livingWorker(dataDir);
  if (alive) return alive;
  // a worker started a moment ago may not have written its lock yet
  if (g.ganvasWorkerSpawnedAt && Date.now() - g.ganvasWorkerSpawnedAt < 5000) return null;
  g.ganvasWorkerSpawnedAt = Date.now();
  const logDir = path.join(dataDir, "logs");
  fs.mkdirSync(logDir, { recursive: true });
  const out = fs.openSync(path.join(logDir, "worker.log"), "a");
  const root = process.cwd();
  // one process (tsx as an import hook, not its CLI wrapper): the pid in the lock is the process that trains
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "--import", "./scripts/lib/server-only-shim.mjs", "scripts/worker.ts"],
    {
      cwd: root,
      detached: true,
      stdio: ["ignore", out, out],
      env: { ...process.env, GANVAS_DATA_DIR: dataDir },
    },
  );
  child.unref();
  fs.closeSync(out);
  return child.pid ?? null;
}
