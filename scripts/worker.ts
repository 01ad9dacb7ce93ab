/**
 * The Ganvas worker: dataset imports and training runs, one at a time, outside the web server.
 * The app starts it when there is work; `npm run worker` starts it by hand.
 */
import { readdirSync } from "node:fs";
import os from "node:os";
import { config } from "@/lib/config";
import { runWorker } from "@/lib/server";

const cfg = config();
// below the web server: training uses every core, generation requests still come first. Linux applies nice per
// thread: set it on every thread Node has started so far; threads made later (OpenMP, worker_threads) inherit it.
const priority = Math.min(19, os.getPriority() + cfg.workerNice);
os.setPriority(priority);
try {
  for (const tid of readdirSync("/proc/self/task")) os.setPriority(Number(tid), priority);
} catch {
  // not Linux: the process priority above is what there is
}
runWorker({ autoResume: cfg.autoResume, idleExitMs: cfg.workerIdleExitSec * 1000 })
  .then(() => process.exit(0))
  .catch((err) => {
    console.error(err);
    process.exit(1);
  });
