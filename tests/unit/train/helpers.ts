import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll } from "vitest";
import { writeSyntheticShapesDataset } from "@/lib/data";

const made: string[] = [];
// every test file that uses these helpers removes its temporary folders when it ends
afterAll(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

export function tmpDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `ganvas-${prefix}-`));
  made.push(dir);
  return dir;
}

/** a small synthetic coloured-shapes dataset folder */
export async function shapesDataset(
  opts: { count?: number; sizes?: (64 | 256)[]; dim?: number } = {},
): Promise<string> {
  const dir = path.join(tmpDir("ds"), "shapes");
  await writeSyntheticShapesDataset(dir, { count: opts.count ?? 48, sizes: opts.sizes, dim: opts.dim ?? 32 });
  return dir;
}
