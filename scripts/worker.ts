/**
 * The Ganvas worker: dataset imports and training runs, one at a time, outside the web server.
 * The app starts it when there is work; `npm run worker` starts it by hand.
 */
import { config } from "@/lib/config";
import { runWorker } from "@/lib/server";

const cfg = config();
runWorker({ autoResume: cfg.autoResume, idleExitMs: cfg.workerIdleExitSec * 1000 })
  .then(() => process.exit(0))
  .catch((err) => {
    console.error(err);
    process.exit(1);
  });
