#!/usr/bin/env node
// `npm run native:build`: compile the native kernels addon (native/*.cc: oneDNN convolutions, fused batch norm) into
// build/native/ganvas-dnnl.node with g++ against Debian's libdnnl-dev and Node's own headers. Training then runs
// its convolutions natively on every core (about 3× faster than the wasm kernels); without it, the wasm kernels
// run. Rebuilds only when the source or the compiler flags change. When g++ or libdnnl-dev is missing and we run
// as root, installs them with apt-get; otherwise says how. Exit status 0 when the addon is there afterwards.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
// every translation unit of the addon, plus the header they share (for the stamp)
const sources = ["ganvas-dnnl.cc", "batch-norm.cc"].map((f) => path.join(root, "native", f));
const header = path.join(root, "native", "addon.h");
const out = path.join(root, "build", "native", "ganvas-dnnl.node");
const stampFile = `${out}.stamp`;
const nodeInclude = path.resolve(path.dirname(process.execPath), "..", "include", "node");
const dnnlHeader = "/usr/include/oneapi/dnnl/dnnl.hpp";
const args = [
  "-O2",
  "-std=c++17",
  "-shared",
  "-fPIC",
  "-fopenmp",
  "-fvisibility=hidden",
  `-I${nodeInclude}`,
  "-DNODE_GYP_MODULE_NAME=ganvas_dnnl",
  ...sources,
  "-ldnnl",
  "-o",
  // written beside and renamed over the addon: a process that has it loaded keeps its old copy intact
  `${out}.tmp`,
];

const have = (cmd) => spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
const ready = () =>
  have("g++") && fs.existsSync(dnnlHeader) && fs.existsSync(path.join(nodeInclude, "node_api.h"));

if (
  !ready() &&
  process.getuid?.() === 0 &&
  have("apt-get") &&
  fs.existsSync(path.join(nodeInclude, "node_api.h"))
) {
  console.log("Installing g++ and libdnnl-dev for the native convolutions (apt-get)…");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
  spawnSync("apt-get", ["install", "-y", "-qq", "g++", "libdnnl-dev"], { stdio: "inherit", env });
}
if (!ready()) {
  console.error(
    "✗ native convolutions not built: needs g++, libdnnl-dev (Debian/Ubuntu: apt-get install g++ libdnnl-dev) " +
      `and Node's headers in ${nodeInclude}. Training still works on the wasm kernels, about 3× slower.`,
  );
  process.exit(1);
}
const hash = createHash("sha256");
for (const f of [...sources, header]) hash.update(fs.readFileSync(f));
const stamp = hash.update(args.join(" ")).update(process.version).digest("hex");
if (fs.existsSync(out) && fs.existsSync(stampFile) && fs.readFileSync(stampFile, "utf8") === stamp) {
  console.log(`native convolutions up to date (${path.relative(root, out)})`);
  process.exit(0);
}
fs.mkdirSync(path.dirname(out), { recursive: true });
const t0 = Date.now();
const r = spawnSync("g++", args, { stdio: "inherit" });
if (r.status !== 0) {
  console.error("✗ compiling native/*.cc failed; training will use the wasm kernels");
  process.exit(1);
}
fs.renameSync(`${out}.tmp`, out);
fs.writeFileSync(stampFile, stamp);
console.log(`built ${path.relative(root, out)} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
