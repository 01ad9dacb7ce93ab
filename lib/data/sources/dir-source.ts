import { promises as fs } from "node:fs";
import path from "node:path";
import { DatasetImportError } from "../import-error";
import type { ImportLimits } from "../import-limits";
import type { FileSource, SourceEntry } from "./file-source";

/**
 * Walk a folder, refusing symlinks (they could point anywhere on the server) and enforcing the file-count and
 * total-size limits before anything is read.
 */
export async function openDirSource(root: string, limits: ImportLimits): Promise<FileSource> {
  const rootAbs = path.resolve(root);
  const entries: SourceEntry[] = [];
  let total = 0;
  const walk = async (rel: string): Promise<void> => {
    const dirents = await fs.readdir(path.join(rootAbs, rel), { withFileTypes: true });
    for (const d of dirents) {
      const childRel = rel ? `${rel}/${d.name}` : d.name;
      if (d.isSymbolicLink())
        throw new DatasetImportError(
          "SYMLINK",
          `Refused: "${childRel}" is a symbolic link. Datasets must contain plain files only (copy the file instead of linking it).`,
          childRel,
        );
      if (d.isDirectory()) {
        await walk(childRel);
      } else if (d.isFile()) {
        const st = await fs.lstat(path.join(rootAbs, childRel));
        entries.push({ path: childRel, size: st.size });
        total += st.size;
        if (entries.length > limits.maxFiles)
          throw new DatasetImportError(
            "TOO_MANY_FILES",
            `Refused: the folder has more than ${limits.maxFiles} files. Split the dataset or raise limits.maxFiles.`,
          );
        if (total > limits.maxTotalBytes)
          throw new DatasetImportError(
            "TOO_LARGE",
            `Refused: the folder holds more than ${limits.maxTotalBytes} bytes. Split the dataset or raise limits.maxTotalBytes.`,
          );
      }
      // sockets, fifos, devices: ignored, never read
    }
  };
  await walk("");
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const byPath = new Map(entries.map((e) => [e.path, e]));
  return {
    label: rootAbs,
    entries,
    has: (p) => byPath.has(p),
    async read(p) {
      const e = byPath.get(p);
      if (!e) throw new DatasetImportError("FORMAT_INVALID", `"${p}" is not a file of ${rootAbs}.`, p);
      if (e.size > limits.maxFileBytes)
        throw new DatasetImportError(
          "TOO_LARGE",
          `Refused: "${p}" has ${e.size} bytes, more than limits.maxFileBytes (${limits.maxFileBytes}).`,
          p,
        );
      // lstat again: the tree may have changed since the walk (a file swapped for a link)
      const full = path.join(rootAbs, p);
      const st = await fs.lstat(full);
      if (!st.isFile())
        throw new DatasetImportError("SYMLINK", `Refused: "${p}" is no longer a plain file.`, p);
      return new Uint8Array(await fs.readFile(full));
    },
    async close() {},
  };
}
