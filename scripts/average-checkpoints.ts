/**
 * Average a run's last checkpoints into one (the generator's weights; see lib/train/checkpoint-average.ts):
 *   npm run checkpoint:average -- --run RUN_DIR [--last 5] --out DIR [--dataset DIR]
 *   npm run checkpoint:average -- --checkpoints A B C --out DIR [--dataset DIR]
 * Then judge it like any checkpoint: npm run eval -- --checkpoint DIR.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { initBackend } from "../lib/tensor";
import { averageCheckpoints } from "../lib/train";
import { parseCli } from "./lib/cli";

const USAGE =
  "usage: npm run checkpoint:average -- (--run RUN_DIR [--last 5] | --checkpoints A B C) --out DIR [--dataset DIR]";

const { values, positionals } = parseCli(
  {
    allowPositionals: true,
    options: {
      run: { type: "string" },
      last: { type: "string", default: "5" },
      checkpoints: { type: "boolean", default: false },
      out: { type: "string" },
      dataset: { type: "string" },
    },
  },
  USAGE,
);
const fail = (msg: string): never => {
  console.error(`✗ ${msg}`);
  process.exit(2);
};
if (!values.out) fail("--out DIR is required (where the averaged checkpoint goes)");
let dirs: string[] = [];
if (values.run) {
  const root = path.join(values.run, "checkpoints");
  const names = (await fs.readdir(root).catch(() => fail(`${values.run} has no checkpoints folder`)))
    .filter((n) => /^step-\d+$/.test(n))
    .sort();
  const n = Number(values.last);
  if (!Number.isInteger(n) || n < 2) fail("--last must be a whole number ≥ 2");
  dirs = names.slice(-n).map((d) => path.join(root, d));
} else if (values.checkpoints) dirs = positionals;
else fail("pass --run RUN_DIR [--last N] or --checkpoints DIR DIR …");
if (dirs.length < 2) fail(`found ${dirs.length} checkpoint(s); averaging needs at least two`);
await initBackend();
const t = Date.now();
const r = await averageCheckpoints(dirs, values.out as string, { datasetDir: values.dataset });
console.log(
  `averaged steps ${r.steps.join(", ")} → ${r.dir} (${((Date.now() - t) / 1000).toFixed(1)} s); evaluate it with npm run eval -- --checkpoint ${r.dir}`,
);
