/**
 * Train a StackGAN stage from a dataset folder.
 *   npm run train -- --dataset DIR --preset stage1-64 [--run DIR] [--max-steps N]
 *   npm run train -- --dataset DIR --resume RUN_DIR
 *   npm run train -- --dataset DIR --preset stage2-256 --stage1 STAGE1_RUN_DIR
 *   npm run train -- --dataset DIR --resume STAGE2_RUN_DIR --stage1 NEW_STAGE1_RUN_DIR   (fine-tune G2 to a retrained Stage-I)
 *   npm run train -- --dataset NEW_DIR --resume RUN_DIR --switch-dataset   (fine-tune a run on a changed dataset)
 *   npm run train -- --synthetic 480 --dataset /tmp/shapes --preset tiny     (writes a coloured-shapes set first)
 * --keep-every N also keeps every Nth step's weights in RUN_DIR/kept/ (never pruned), to compare checkpoints later.
 * --set train.KEY=VALUE (repeatable) changes a training setting of the preset or, with --resume, of the run's saved
 * config (e.g. --set train.modeSeekWeight=1, --set 'train.diffAugment=["translation","cutout"]'); the architecture
 * cannot change on resume.
 * Ctrl-C / SIGTERM stops after the current step and writes a checkpoint.
 */
import path from "node:path";
import { config } from "@/lib/config";
import { writeSyntheticShapesDataset } from "../lib/data";
import { PRESET_NAMES } from "../lib/gan";
import type { BackendChoice } from "../lib/tensor";
import { TrainConfigError, train } from "../lib/train";
import { parseCli } from "./lib/cli";

const USAGE =
  "usage: npm run train -- --dataset DIR (--preset NAME [--run DIR] | --resume RUN_DIR) [--stage1 RUN_DIR] [--switch-dataset] [--max-steps N] [--backend wasm|cpu|tensorflow] [--workers 2] [--keep-every STEPS] [--set train.KEY=JSON ...] [--synthetic COUNT]\n" +
  `presets: ${PRESET_NAMES.join(", ")}`;

const { values } = parseCli(
  {
    options: {
      dataset: { type: "string" },
      preset: { type: "string" },
      run: { type: "string" },
      resume: { type: "string" },
      stage1: { type: "string" },
      "switch-dataset": { type: "boolean" },
      "max-steps": { type: "string" },
      backend: { type: "string" },
      synthetic: { type: "string" },
      workers: { type: "string" },
      "keep-every": { type: "string" },
      set: { type: "string", multiple: true },
    },
  },
  USAGE,
);

if (!values.dataset || (!values.preset && !values.resume)) {
  console.error(USAGE);
  process.exit(2);
}

const keepEvery = values["keep-every"] === undefined ? undefined : Number(values["keep-every"]);
if (keepEvery !== undefined && !(Number.isInteger(keepEvery) && keepEvery > 0)) {
  console.error(
    `--keep-every must be a whole number of steps above 0 (got "${values["keep-every"]}"), e.g. --keep-every 500`,
  );
  process.exit(2);
}

/** --set train.KEY=JSON pairs (the trainer checks keys and values against the run's config) */
const trainSettings: Record<string, unknown> = {};
for (const item of values.set ?? []) {
  const m = /^train\.(\w+)=(.*)$/.exec(item);
  let value: unknown;
  try {
    value = m ? JSON.parse(m[2]) : undefined;
  } catch {}
  if (!m || value === undefined) {
    console.error(
      `--set ${item}: expected train.KEY=VALUE with a JSON value (a number, true/false, or e.g. ["translation"])`,
    );
    process.exit(2);
  }
  trainSettings[m[1]] = value;
}

const dataDir = config().dataDir;
if (values.synthetic) await writeSyntheticShapesDataset(values.dataset, { count: Number(values.synthetic) });
const runDir =
  values.resume ??
  values.run ??
  path.join(
    dataDir,
    "runs",
    `${values.preset}-${new Date().toISOString().replace(/[:.]/g, "-").slice(0, 19)}`,
  );

const ac = new AbortController();
for (const sig of ["SIGINT", "SIGTERM"] as const)
  process.on(sig, () => {
    if (ac.signal.aborted) process.exit(130);
    console.error(`\n${sig}: stopping after this step and writing a checkpoint (again to quit now)`);
    ac.abort();
  });

const result = await train({
  runDir,
  datasetDir: values.dataset,
  preset: values.preset,
  trainSettings: values.set?.length ? trainSettings : undefined,
  resume: Boolean(values.resume),
  stage1: values.stage1,
  switchDataset: values["switch-dataset"],
  maxSteps: values["max-steps"] ? Number(values["max-steps"]) : undefined,
  backend: values.backend as BackendChoice | undefined,
  signal: ac.signal,
  progressBar: true,
  workers: values.workers ? Number(values.workers) : undefined,
  keepEvery,
}).catch((err: unknown) => {
  // a refused configuration (bad --set, other architecture, wrong dataset) is a message, not a stack trace
  if (!(err instanceof TrainConfigError)) throw err;
  console.error(err.message);
  process.exit(2);
});
console.error(`${result.status} at step ${result.step}: ${path.join(runDir, result.checkpointDir ?? "")}`);
