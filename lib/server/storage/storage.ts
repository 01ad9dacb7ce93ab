/**
 * Where Ganvas keeps files (images, checkpoints, datasets). Keys are relative, slash-separated paths
 * ("images/ab/abcd.png"); implementations decide where the bytes live. Every write is atomic: a reader sees the
 * whole old file or the whole new file, never a half-written one.
 */
export interface Storage {
  put(key: string, data: Uint8Array | string): Promise<void>;
  get(key: string): Promise<Buffer>;
  /** null when there is no such file */
  tryGet(key: string): Promise<Buffer | null>;
  exists(key: string): Promise<boolean>;
  delete(key: string): Promise<void>;
  list(prefix: string): Promise<string[]>;
}

const KEY_RE = /^[A-Za-z0-9_\-.]+(\/[A-Za-z0-9_\-.]+)*$/;

/** Refuse keys that could escape the storage root or name odd files. */
export function assertValidKey(key: string): void {
  if (!KEY_RE.test(key) || key.split("/").some((part) => part === "." || part === "..")) {
    throw new Error(
      `Invalid storage key ${JSON.stringify(key)}: use relative paths of letters, digits, "_", "-", "." separated by "/"`,
    );
  }
}
