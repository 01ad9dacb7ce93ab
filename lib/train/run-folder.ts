/**
 * The training run folder (contract with the admin console and serving):
 * run.json, progress.jsonl, samples/step-XXXXXX.png, checkpoints/step-XXXXXX/, checkpoints/latest.json,
 * checkpoints/corrupt-step-XXXXXX/ (a damaged checkpoint set aside on resume, see checkpoint-recovery.ts),
 * kept/step-XXXXXX/ (milestones: a checkpoint's weights and state.json, no optimiser; never pruned).
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import type { GanConfig } from "../gan";

export interface RunInfo {
  id: string;
  preset: string;
  config: GanConfig;
  datasetDir: string;
  datasetHash: string;
  textEncoderId: string;
  createdAt: string;
  /** stage-2 runs: the Stage-I checkpoint they were started from */
  stage1Checkpoint?: string | null;
}

export type ProgressEvent =
  | {
      type: "step";
      step: number;
      epoch: number;
      stage: 1 | 2;
      losses: Record<string, number>;
      lr: { g: number; d: number };
      imagesPerSec: number;
      etaSec: number;
      elapsedSec: number;
      time: string;
    }
  /** a training session began (fresh or resumed): where it ran */
  | { type: "session"; step: number; backend: string; workers: number; time: string }
  | { type: "sample"; step: number; file: string; time: string }
  | { type: "checkpoint"; step: number; dir: string; time: string }
  /** something went wrong but training goes on, e.g. a corrupt checkpoint was skipped on resume */
  | { type: "warning"; step: number; message: string; time: string }
  | { type: "done" | "stopped" | "error"; step: number; message?: string; time: string };

export const stepDirName = (step: number) => `step-${String(step).padStart(6, "0")}`;

/** write a file so readers see either the old or the complete new content */
export async function writeFileAtomic(file: string, content: string | Uint8Array): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    await fs.writeFile(tmp, content);
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true }).catch(() => {});
    throw err;
  }
}

export class RunFolder {
  constructor(readonly dir: string) {}

  get runJson() {
    return path.join(this.dir, "run.json");
  }
  get progressFile() {
    return path.join(this.dir, "progress.jsonl");
  }
  get checkpointsDir() {
    return path.join(this.dir, "checkpoints");
  }
  get samplesDir() {
    return path.join(this.dir, "samples");
  }

  async init(): Promise<void> {
    await fs.mkdir(this.checkpointsDir, { recursive: true });
    await fs.mkdir(this.samplesDir, { recursive: true });
  }

  async readRun(): Promise<RunInfo | null> {
    try {
      return JSON.parse(await fs.readFile(this.runJson, "utf8")) as RunInfo;
    } catch {
      return null;
    }
  }

  async writeRun(info: RunInfo): Promise<void> {
    await writeFileAtomic(this.runJson, `${JSON.stringify(info, null, 2)}\n`);
  }

  /** {step, dir} of the newest complete checkpoint, or null */
  async latest(): Promise<{ step: number; dir: string } | null> {
    try {
      return JSON.parse(await fs.readFile(path.join(this.checkpointsDir, "latest.json"), "utf8"));
    } catch {
      return null;
    }
  }

  async setLatest(step: number): Promise<void> {
    const body = `${JSON.stringify({ step, dir: stepDirName(step) })}\n`;
    await writeFileAtomic(path.join(this.checkpointsDir, "latest.json"), body);
  }

  async appendEvent(e: ProgressEvent): Promise<void> {
    await fs.appendFile(this.progressFile, `${JSON.stringify(e)}\n`);
  }

  /** Drop step events after `step` (a resume from an earlier checkpoint continues the curve from there). */
  async truncateProgressAfter(step: number): Promise<void> {
    let text: string;
    try {
      text = await fs.readFile(this.progressFile, "utf8");
    } catch {
      return;
    }
    const kept = text
      .split("\n")
      .filter(Boolean)
      .filter((l) => {
        try {
          const e = JSON.parse(l) as { step?: number };
          return (e.step ?? 0) <= step;
        } catch {
          return false;
        }
      });
    await writeFileAtomic(this.progressFile, kept.length ? `${kept.join("\n")}\n` : "");
  }

  /** names of the checkpoint folders (step-XXXXXX), oldest first; set-aside corrupt-step-* folders are not listed */
  async stepFolders(): Promise<string[]> {
    try {
      return (await fs.readdir(this.checkpointsDir)).filter((n) => /^step-\d+$/.test(n)).sort();
    } catch {
      return [];
    }
  }

  get keptDir() {
    return path.join(this.dir, "kept");
  }

  /**
   * Copy a checkpoint's weights and state.json (not the optimiser: a milestone is for evaluation and
   * promotion, not for resuming) to kept/step-XXXXXX, which pruning leaves alone. Returns the new folder.
   */
  async keepMilestone(step: number, files: readonly string[]): Promise<string> {
    const name = stepDirName(step);
    const from = path.join(this.checkpointsDir, name);
    const final = path.join(this.keptDir, name);
    const tmp = path.join(this.keptDir, `.tmp-${name}-${process.pid}`);
    await fs.rm(tmp, { recursive: true, force: true });
    await fs.mkdir(tmp, { recursive: true });
    try {
      for (const f of files) await fs.copyFile(path.join(from, f), path.join(tmp, f));
    } catch (err) {
      await fs.rm(tmp, { recursive: true, force: true }).catch(() => {});
      throw err;
    }
    await fs.rm(final, { recursive: true, force: true });
    await fs.rename(tmp, final);
    return final;
  }

  /** Keep the newest `keep` checkpoint folders. */
  async prune(keep: number): Promise<void> {
    const names = await this.stepFolders();
    for (const n of names.slice(0, Math.max(0, names.length - keep)))
      await fs.rm(path.join(this.checkpointsDir, n), { recursive: true, force: true });
  }
}
