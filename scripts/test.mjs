#!/usr/bin/env node
// `npm test`: every check and test suite, then one closing line "N passed, N failed".
// Installs Debian's chromium for the browser tests, and g++ + libdnnl-dev for the native convolutions, when they
// are missing and we run as root (says so otherwise).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
process.chdir(root);
fs.mkdirSync("test-results", { recursive: true });
const pkg = JSON.parse(fs.readFileSync("package.json", "utf8"));
const only = process.argv.slice(2); // e.g. `npm test -- unit`

let passed = 0;
let failed = 0;
const summary = [];
const failures = []; // "suite › file › test: first line of the error", printed again at the end (CI shows the tail)

function sh(cmd, args, extraEnv = {}) {
  console.log(`\n▶ ${cmd} ${args.join(" ")}`);
  const t = Date.now();
  const r = spawnSync(cmd, args, { stdio: "inherit", env: { ...process.env, ...extraEnv } });
  return { ok: r.status === 0, sec: ((Date.now() - t) / 1000).toFixed(1) };
}

function check(name, cmd, args) {
  const r = sh(cmd, args);
  r.ok ? passed++ : failed++;
  summary.push(`${r.ok ? "✓" : "✗"} ${name} (${r.sec} s)`);
  return r.ok;
}

// the first line of an error message, without terminal colours, at most 300 characters
const COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");
const firstLine = (msg) =>
  String(msg ?? "")
    .replace(COLOUR, "")
    .split("\n")
    .find((l) => l.trim())
    ?.trim()
    .slice(0, 300) ?? "";

function vitestFailures(j) {
  const out = [];
  for (const file of j.testResults ?? []) {
    const rel = path.relative(root, file.name);
    const bad = (file.assertionResults ?? []).filter((a) => a.status === "failed");
    for (const a of bad) out.push(`${rel} › ${a.fullName ?? a.title}: ${firstLine(a.failureMessages?.[0])}`);
    if (!bad.length && file.status === "failed") out.push(`${rel}: ${firstLine(file.message)}`);
  }
  return out;
}

function playwrightFailures(j) {
  const out = [];
  const walk = (s, titles) => {
    for (const spec of s.specs ?? [])
      for (const t of spec.tests ?? [])
        if (t.status === "unexpected" || t.status === "skipped") {
          const res = t.results?.at(-1);
          out.push(
            `${spec.file} › ${[...titles, spec.title].join(" › ")}: ${t.status} ${firstLine(res?.error?.message)}`,
          );
        }
    for (const c of s.suites ?? [])
      walk(c, s.title && !s.title.endsWith(".ts") ? [...titles, s.title] : titles);
  };
  for (const s of j.suites ?? []) walk(s, []);
  for (const e of j.errors ?? []) out.push(`error: ${firstLine(e.message)}`);
  return out;
}

function suite(name, cmd, args, reportFile, count, listFailures) {
  fs.rmSync(reportFile, { force: true });
  const r = sh(cmd, args);
  let p = 0;
  let f = 0;
  try {
    const report = JSON.parse(fs.readFileSync(reportFile, "utf8"));
    ({ p, f } = count(report));
    for (const line of listFailures(report)) failures.push(`${name} › ${line}`);
  } catch {
    f = 1; // the runner died before writing its report
    failures.push(`${name}: the runner wrote no report (${reportFile}); see its output above`);
  }
  if (!r.ok && f === 0) f = 1; // a non-zero exit always counts as a failure
  passed += p;
  failed += f;
  summary.push(`${f ? "✗" : "✓"} ${name}: ${p} passed, ${f} failed (${r.sec} s)`);
}

const want = (name) => only.length === 0 || only.includes(name);

function ensureChromium() {
  const exe = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (fs.existsSync(exe)) return true;
  if (process.getuid?.() !== 0) {
    console.error(
      `\n✗ Browser tests need Debian's chromium at ${exe}. Install it as root: apt-get install -y chromium`,
    );
    return false;
  }
  console.log("Installing Debian's chromium for the browser tests (apt-get, about a minute)…");
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  sh("apt-get", ["update", "-qq"], env);
  return sh("apt-get", ["install", "-y", "-qq", "chromium"], env).ok && fs.existsSync(exe);
}

if (pkg.scripts["models:prepare"]) check("models:prepare", "npm", ["run", "-s", "models:prepare"]);
// the native convolution addon (g++ + libdnnl-dev; installed as root when missing): its kernels are tested too
if (want("unit")) check("native:build", "npm", ["run", "-s", "native:build"]);
if (want("lint")) check("lint (biome)", "npx", ["biome", "check", "."]);
if (want("typecheck")) check("typecheck (tsc --noEmit)", "npx", ["tsc", "--noEmit", "-p", "."]);
if (want("unit"))
  suite(
    "unit (vitest)",
    "npx",
    ["vitest", "run", "--reporter=default", "--reporter=json", "--outputFile=test-results/unit.json"],
    "test-results/unit.json",
    (j) => ({
      p: j.numPassedTests,
      f: j.numFailedTests + (j.numTotalTestSuites && !j.success && !j.numFailedTests ? 1 : 0),
    }),
    vitestFailures,
  );
if (want("e2e")) {
  if (!ensureChromium()) {
    failed++;
    summary.push("✗ e2e: chromium is not installed");
  } else if (check("build (next build)", "npx", ["next", "build"])) {
    suite(
      "e2e (playwright)",
      "npx",
      ["playwright", "test"],
      "test-results/e2e.json",
      (j) => {
        const s = j.stats;
        return { p: s.expected + s.flaky, f: s.unexpected + (s.skipped ?? 0) };
      },
      playwrightFailures,
    );
  }
}

if (failures.length) console.log(`\nFailed:\n${failures.map((l) => `  ✗ ${l}`).join("\n")}`);
console.log(`\n${summary.join("\n")}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
