import "server-only";
import { promises as fs } from "node:fs";
import path from "node:path";

export interface ProgressChunk {
  /** parsed JSON lines (contract: lib/train run folder) */
  events: Record<string, unknown>[];
  /** byte offset to continue from */
  next: number;
}

/** New complete lines of progress.jsonl since `from` (a torn last line is left for the next read). */
export async function readProgress(runDir: string, from = 0): Promise<ProgressChunk> {
  let fh: fs.FileHandle;
  try {
    fh = await fs.open(path.join(runDir, "progress.jsonl"), "r");
  } catch {
    return { events: [], next: from };
  }
  try {
    const { size } = await fh.stat();
    if (size <= from) return { events: [], next: size < from ? 0 : from };
    const buf = Buffer.alloc(size - from);
    await fh.read(buf, 0, buf.length, from);
    const text = buf.toString("utf8");
    const end = text.lastIndexOf("\n");
    if (end < 0) return { events: [], next: from };
    const events = text
      .slice(0, end)
      .split("\n")
      .filter(Boolean)
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as Record<string, unknown>];
        } catch {
          return [];
        }
      });
    return { events, next: from + Buffer.byteLength(text.slice(0, end + 1)) };
  } finally {
    await fh.close();
  }
}

export interface CheckpointOnDisk {
  step: number;
  dir: string;
  sample: string | null;
  bytes: number;
}

/** Checkpoints present in a run folder (the trainer keeps the latest few), newest first, with the nearest sample. */
export async function listCheckpointsOnDisk(runDir: string): Promise<CheckpointOnDisk[]> {
  let names: string[] = [];
  try {
    names = await fs.readdir(path.join(runDir, "checkpoints"));
  } catch {
    return [];
  }
  let samples: string[] = [];
  try {
    samples = (await fs.readdir(path.join(runDir, "samples"))).filter((s) => s.endsWith(".png")).sort();
  } catch {
    // no samples yet
  }
  const out: CheckpointOnDisk[] = [];
  for (const n of names) {
    const m = /^step-(\d+)$/.exec(n);
    if (!m) continue;
    const dir = path.join(runDir, "checkpoints", n);
    try {
      await fs.access(path.join(dir, "state.json"));
      const st = await fs.stat(path.join(dir, "weights.bin"));
      const step = Number(m[1]);
      const sample = samples.filter((s) => Number(/(\d+)/.exec(s)?.[1]) <= step).at(-1) ?? null;
      out.push({
        step,
        dir: `checkpoints/${n}`,
        sample: sample ? `samples/${sample}` : null,
        bytes: st.size,
      });
    } catch {
      // incomplete checkpoint (being written): skip
    }
  }
  return out.sort((a, b) => b.step - a.step);
}

/** The latest sample grid of a run, relative to its folder. */
export async function latestSample(runDir: string): Promise<string | null> {
  try {
    const s = (await fs.readdir(path.join(runDir, "samples"))).filter((f) => f.endsWith(".png")).sort();
    return s.length ? `samples/${s.at(-1)}` : null;
  } catch {
    return null;
  }
}
