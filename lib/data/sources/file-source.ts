/** A read-only view of the files of an import source (a folder on disk or a zip), with POSIX relative paths. */
export interface SourceEntry {
  path: string;
  /** uncompressed bytes */
  size: number;
}

export interface FileSource {
  /** what to call the source in messages */
  readonly label: string;
  /** every regular file, sorted by path */
  readonly entries: readonly SourceEntry[];
  has(path: string): boolean;
  read(path: string): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** Index of entries by lower-cased basename, for layouts that name images by file name only (COCO). */
export function indexByBasename(entries: readonly SourceEntry[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const e of entries) {
    const base = e.path.slice(e.path.lastIndexOf("/") + 1).toLowerCase();
    if (!m.has(base)) m.set(base, e.path);
  }
  return m;
}
