/**
 * Choosing the checkpoint a resumed run continues from. The one latest.json names is checked first (every file
 * read, sizes and checksums verified); when it is corrupt the newest intact earlier one is used instead.
 *
 * Corrupt folders are never deleted: once the run has restored a good checkpoint they are renamed to
 * `checkpoints/corrupt-step-XXXXXX` (kept for inspection, ignored by pruning and the checkpoint list, and out of
 * the way of the step folder the run writes again when it gets there) and latest.json is pointed at the good one.
 * When no checkpoint is intact nothing on disk is changed and the run stops with a CorruptCheckpointError.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { type CheckpointState, CorruptCheckpointError } from "../gan";
import { verifyCheckpoint } from "./checkpoint-writer";
import type { RunFolder } from "./run-folder";

export interface SkippedCheckpoint {
  /** folder name, e.g. "step-000300" */
  name: string;
  error: CorruptCheckpointError;
}

export interface ResumePoint {
  /** folder name of the intact checkpoint, e.g. "step-000200" */
  name: string;
  state: CheckpointState;
  /** newer checkpoints that were corrupt, newest first */
  skipped: SkippedCheckpoint[];
}

const stepOf = (name: string) => Number(/^step-(\d+)$/.exec(name)?.[1] ?? Number.NaN);

/** "weights.bin checksum mismatch" / "state.json missing" */
const what = (e: CorruptCheckpointError) => `${e.file} ${e.reason}`;

/**
 * The checkpoint to resume from, or null when the run has none (a fresh start).
 * Throws CorruptCheckpointError when checkpoints exist but none is intact.
 */
export async function findResumePoint(run: RunFolder): Promise<ResumePoint | null> {
  const latest = await run.latest();
  const folders = (await run.stepFolders()).reverse(); // newest first
  const candidates =
    latest && typeof latest.dir === "string"
      ? [latest.dir, ...folders.filter((n) => stepOf(n) < latest.step)]
      : folders; // no usable latest.json: the newest folder that is intact
  if (!candidates.length) return null;
  const skipped: SkippedCheckpoint[] = [];
  for (const name of candidates) {
    try {
      const state = await verifyCheckpoint(path.join(run.checkpointsDir, name));
      return { name, state, skipped };
    } catch (err) {
      if (!(err instanceof CorruptCheckpointError)) throw err;
      skipped.push({ name, error: err });
    }
  }
  const first = skipped[0];
  throw new CorruptCheckpointError(first.error.dir, first.error.file, first.error.reason, {
    message:
      `checkpoint ${first.name} is corrupt (${what(first.error)}) and no earlier checkpoint is intact` +
      `${skipped.length > 1 ? ` (${skipped.length - 1} more checked)` : ""}: ` +
      `start a new run or restore the folder ${run.checkpointsDir} from a backup.`,
  });
}

/**
 * After a resume from an earlier checkpoint: rename the corrupt ones to corrupt-step-XXXXXX, point latest.json at
 * the good one, and return the warning to show on the run.
 */
export async function setAsideCorrupt(run: RunFolder, point: ResumePoint): Promise<string> {
  const moved: string[] = [];
  for (const s of point.skipped) {
    const from = path.join(run.checkpointsDir, s.name);
    if (!(await fs.stat(from).catch(() => null))) continue; // latest.json named a folder that is gone
    let to = `corrupt-${s.name}`;
    for (let k = 2; await fs.stat(path.join(run.checkpointsDir, to)).catch(() => null); k++)
      to = `corrupt-${s.name}-${k}`;
    await fs.rename(from, path.join(run.checkpointsDir, to));
    moved.push(`checkpoints/${to}`);
  }
  await run.setLatest(point.state.step);
  const bad = point.skipped.map((s) => `${s.name} (${what(s.error)})`).join(", ");
  return (
    `Checkpoint ${bad} ${point.skipped.length > 1 ? "were" : "was"} corrupt: resumed from ${point.name} instead` +
    `${moved.length ? `; the damaged ${moved.length > 1 ? "folders were" : "folder was"} kept as ${moved.join(", ")}` : ""}.`
  );
}
