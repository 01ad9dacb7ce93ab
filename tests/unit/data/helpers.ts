import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";

export const FIXTURES = path.resolve(import.meta.dirname, "../../fixtures/data");

export async function tempDir(prefix = "ganvas-data-"): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

/** Every file under dir with its bytes, to assert a folder was left exactly as it was. */
export async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (rel: string) => {
    for (const d of await fs.readdir(path.join(dir, rel), { withFileTypes: true })) {
      const p = path.join(rel, d.name);
      if (d.isDirectory()) await walk(p);
      else out[p] = (await fs.readFile(path.join(dir, p))).toString("base64");
    }
  };
  await walk("");
  return out;
}
