#!/usr/bin/env node
// `npm start`: prepare what the app needs (models), build once (again only when the sources changed),
// then serve with `next start`. Configuration comes from the environment (see README).
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
process.chdir(root);
const pkg = JSON.parse(fs.readFileSync("package.json", "utf8"));

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: "inherit", env: process.env });
  if (r.status !== 0) {
    console.error(`\n✗ ${cmd} ${args.join(" ")} failed (exit ${r.status}).`);
    process.exit(r.status ?? 1);
  }
}

/** Fingerprint of everything the build reads: changes → rebuild. */
function sourceStamp() {
  const h = createHash("sha256");
  const walk = (dir) => {
    for (const e of fs
      .readdirSync(dir, { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(tsx?|mjs|css|json)$/.test(e.name)) {
        const st = fs.statSync(p);
        h.update(`${p}:${st.size}:${st.mtimeMs}\n`);
      }
    }
  };
  for (const d of ["app", "components", "lib", "public"]) if (fs.existsSync(d)) walk(d);
  for (const f of ["package.json", "next.config.mjs", "tsconfig.json", "proxy.ts", "postcss.config.mjs"])
    if (fs.existsSync(f)) h.update(fs.readFileSync(f));
  return h.digest("hex");
}

if (pkg.scripts["models:prepare"]) run("npm", ["run", "-s", "models:prepare"]);
// native convolutions make training ~3× faster; without them it runs on the wasm kernels, so a failure is not fatal
spawnSync("npm", ["run", "-s", "native:build"], { stdio: "inherit", env: process.env });

const stampFile = path.join(".next", "ganvas-source-stamp");
const stamp = sourceStamp();
const built =
  fs.existsSync(path.join(".next", "BUILD_ID")) &&
  fs.existsSync(stampFile) &&
  fs.readFileSync(stampFile, "utf8") === stamp;
if (!built) {
  console.log("Building Ganvas (first start or sources changed)…");
  run("npx", ["next", "build"]);
  fs.writeFileSync(stampFile, stamp);
}

const port = process.env.PORT ?? "3000";
const host = process.env.HOST ?? "0.0.0.0";
console.log(
  `Ganvas on http://localhost:${port}  (data: ${path.resolve(process.env.GANVAS_DATA_DIR ?? "data")})`,
);
const r = spawnSync("npx", ["next", "start", "-p", port, "-H", host], { stdio: "inherit", env: process.env });
process.exit(r.status ?? 0);
