/**
 * One error type for a checkpoint (or any saved tensor folder) whose files are missing, truncated or damaged:
 * a checksum mismatch, a .bin of the wrong size, unreadable JSON. Callers tell it apart from an architecture
 * mismatch or an I/O fault (ENOSPC, EACCES) by `instanceof`, e.g. the trainer falls back to an earlier checkpoint.
 */
import { promises as fs } from "node:fs";
import path from "node:path";

export class CorruptCheckpointError extends Error {
  /**
   * @param dir the folder holding the damaged file
   * @param file its name inside `dir` (e.g. "weights.bin")
   * @param reason what is wrong, short (e.g. "checksum mismatch")
   * @param opts.advice what to do (the default suits any saved folder); opts.message replaces the whole message
   */
  constructor(
    readonly dir: string,
    readonly file: string,
    readonly reason: string,
    opts: { advice?: string; message?: string } = {},
  ) {
    const advice =
      opts.advice ??
      "restore the folder from a backup or recreate it (a training run resumes from an earlier checkpoint)";
    super(opts.message ?? `${path.join(dir, file)} is corrupt (${reason}): ${advice}.`);
    this.name = "CorruptCheckpointError";
  }
}

/** Read and parse a JSON file, turning a missing or malformed file into a CorruptCheckpointError. */
export async function readJsonOrCorrupt(dir: string, file: string): Promise<unknown> {
  let text: string;
  try {
    text = await fs.readFile(path.join(dir, file), "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT")
      throw new CorruptCheckpointError(dir, file, "missing");
    throw err;
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new CorruptCheckpointError(dir, file, text.trim() ? "not valid JSON" : "empty");
  }
}
