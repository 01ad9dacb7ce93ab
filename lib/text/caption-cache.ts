import { createHash } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, truncateSync, writeSync } from "node:fs";
import path from "node:path";
import { crc32 } from "node:zlib";

/**
 * Persistent cache of caption embeddings: one append-only file per text encoder under <cacheDir>/text-embeddings/.
 * Record layout (little-endian):  key  32 B  sha256(modelId + "\0" + text)
 *                                 dim   4 B  u32
 *                                 vec  4·dim B  f32
 *                                 crc   4 B  crc32 of the bytes above
 * Each batch is appended with one write. On open, the file is scanned and a torn or corrupt tail (a crash
 * mid-write) is cut off, so a read never returns a partial vector. Entries with another dim are ignored.
 * The whole file is held in memory (a 10k-caption dataset at 512-d is 20 MB).
 */
const KEY_BYTES = 32;

export function captionKey(modelId: string, text: string): Buffer {
  return createHash("sha256").update(`${modelId}\0${text}`).digest();
}

export class CaptionCache {
  private readonly index = new Map<string, Float32Array>();
  private readonly recordBytes: number;

  private constructor(
    readonly file: string,
    readonly modelId: string,
    readonly dim: number,
  ) {
    this.recordBytes = KEY_BYTES + 4 + 4 * dim + 4;
  }

  /** Opens (creating if needed) the cache for one encoder; repairs a torn tail left by a crash. */
  static open(cacheDir: string, modelId: string, dim: number): CaptionCache {
    const dir = path.join(cacheDir, "text-embeddings");
    mkdirSync(dir, { recursive: true });
    const name = `${modelId.replace(/[^a-zA-Z0-9._-]+/g, "_")}-${createHash("sha256").update(modelId).digest("hex").slice(0, 8)}.bin`;
    const cache = new CaptionCache(path.join(dir, name), modelId, dim);
    cache.load();
    return cache;
  }

  get size(): number {
    return this.index.size;
  }

  private load(): void {
    if (!existsSync(this.file)) return;
    const buf = readFileSync(this.file);
    let off = 0;
    while (off + KEY_BYTES + 4 <= buf.length) {
      const dim = buf.readUInt32LE(off + KEY_BYTES);
      const len = KEY_BYTES + 4 + 4 * dim + 4;
      if (dim > 1 << 16 || off + len > buf.length) break; // torn tail
      const body = buf.subarray(off, off + len - 4);
      if (crc32(body) !== buf.readUInt32LE(off + len - 4)) break; // corrupt tail
      if (dim === this.dim) {
        const vec = new Float32Array(dim);
        new Uint8Array(vec.buffer).set(buf.subarray(off + KEY_BYTES + 4, off + KEY_BYTES + 4 + 4 * dim));
        this.index.set(body.subarray(0, KEY_BYTES).toString("hex"), vec);
      }
      off += len;
    }
    // Cut anything after the last good record so later appends start on a record boundary.
    if (off < buf.length) truncateSync(this.file, off);
  }

  get(text: string): Float32Array | undefined {
    return this.index.get(captionKey(this.modelId, text).toString("hex"));
  }

  /** Appends new entries (already-present keys are skipped) with a single write. */
  putMany(entries: [text: string, vec: Float32Array][]): void {
    const fresh: [Buffer, Float32Array][] = [];
    for (const [text, vec] of entries) {
      if (vec.length !== this.dim)
        throw new Error(`caption cache expects ${this.dim}-d vectors, got ${vec.length}`);
      const key = captionKey(this.modelId, text);
      const hex = key.toString("hex");
      if (this.index.has(hex)) continue;
      this.index.set(hex, vec.slice());
      fresh.push([key, vec]);
    }
    if (fresh.length === 0) return;
    const out = Buffer.alloc(fresh.length * this.recordBytes);
    fresh.forEach(([key, vec], i) => {
      const off = i * this.recordBytes;
      key.copy(out, off);
      out.writeUInt32LE(this.dim, off + KEY_BYTES);
      Buffer.from(vec.buffer, vec.byteOffset, vec.byteLength).copy(out, off + KEY_BYTES + 4);
      const end = off + this.recordBytes - 4;
      out.writeUInt32LE(crc32(out.subarray(off, end)), end);
    });
    const fd = openSync(this.file, "a");
    try {
      for (let done = 0; done < out.length; ) done += writeSync(fd, out, done);
    } finally {
      closeSync(fd);
    }
  }
}
