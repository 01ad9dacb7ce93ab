import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { writeSyntheticShapesDataset } from "@/lib/data";

export function tmpDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `ganvas-${prefix}-`));
}

/** a small synthetic coloured-shapes dataset folder */
export async function shapesDataset(
  opts: { count?: number; sizes?: (64 | 256)[]; dim?: number } = {},
): Promise<string> {
  const dir = path.join(tmpDir("ds"), "shapes");
  await writeSyntheticShapesDataset(dir, { count: opts.count ?? 48, sizes: opts.sizes, dim: opts.dim ?? 32 });
  return dir;
}
