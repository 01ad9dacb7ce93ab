import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";

// One free port and one fresh data directory per run, chosen once in the main process (workers inherit env).
if (!process.env.GANVAS_E2E_PORT) {
  process.env.GANVAS_E2E_PORT = execFileSync(process.execPath, [
    "-e",
    "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})",
  ])
    .toString()
    .trim();
}
process.env.GANVAS_E2E_DATA_DIR ??= mkdtempSync(path.join(os.tmpdir(), "ganvas-e2e-"));
const port = Number(process.env.GANVAS_E2E_PORT);
const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: "tests/e2e",
  outputDir: "test-results/artifacts",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["json", { outputFile: "test-results/e2e.json" }]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  webServer: {
    // the app as users run it: a production build served by `next start` (built by the test command)
    command: `npx next start -p ${port} -H 127.0.0.1`,
    url: `${baseURL}/api/health`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      GANVAS_DATA_DIR: process.env.GANVAS_E2E_DATA_DIR,
      // tests sign in many times from one address; the limit itself is covered by unit tests
      GANVAS_SIGNIN_RATE_LIMIT: "1000/60",
      GANVAS_SIGNUP_RATE_LIMIT: "1000/60",
      GANVAS_LOG_LEVEL: "warn",
      // the training worker the app starts exits soon after the suite is done
      GANVAS_WORKER_IDLE_EXIT_SEC: "20",
    },
  },
});
