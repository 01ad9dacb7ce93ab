import path from "node:path";
import { config } from "../../config";
import { DiskStorage } from "./disk-storage";
import type { Storage } from "./storage";

export { DiskStorage } from "./disk-storage";
export { assertValidKey, type Storage } from "./storage";

let cached: Storage | undefined;
/** The app's file storage: files on disk under <data dir>/files. */
export function storage(): Storage {
  cached ??= new DiskStorage(path.join(config().dataDir, "files"));
  return cached;
}
