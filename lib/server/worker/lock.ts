import fs from "node:fs";
import path from "node:path";

/** Is a process with this pid alive? (signal 0 checks without signalling) */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export const lockFile = (dataDir: string) => path.join(dataDir, "worker.pid");

/** pid of the live worker for this data dir, or null */
export function livingWorker(dataDir: string): number | null {
  try {
    const pid = Number(fs.readFileSync(lockFile(dataDir), "utf8").trim());
    return pid > 0 && pidAlive(pid) ? pid : null;
  } catch {
    return null;
  }
}

/** Take the worker lock (one worker per data dir). A lock left by a dead process is taken over. */
export function acquireWorkerLock(dataDir: string): boolean {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = lockFile(dataDir);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: "wx" });
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      if (livingWorker(dataDir) !== null) return false;
      fs.rmSync(file, { force: true }); // stale: its process is gone
    }
  }
  return false;
}

export function releaseWorkerLock(dataDir: string): void {
  try {
    if (Number(fs.readFileSync(lockFile(dataDir), "utf8")) === process.pid) fs.rmSync(lockFile(dataDir));
  } catch {
    // already gone
  }
}
