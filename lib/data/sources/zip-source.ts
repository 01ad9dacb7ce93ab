import { promises as fs } from "node:fs";
import { inflateSync } from "fflate";
import { DatasetImportError } from "../import-error";
import type { ImportLimits } from "../import-limits";
import type { FileSource, SourceEntry } from "./file-source";
import { safeRelativePath } from "./safe-path";

/**
 * A zip read straight from its central directory, entry by entry from disk (never extracted to disk).
 * Refused before any entry is inflated: zip-slip names, symlinks, encryption, unknown compression, Zip64,
 * more entries or more declared bytes than the limits, an entry whose compression ratio marks it as a bomb.
 * While inflating, the output is capped at the declared size and checked against the CRC.
 */
interface ZipEntry extends SourceEntry {
  method: number;
  compressedSize: number;
  crc: number;
  localOffset: number;
}

const SIG_EOCD = 0x06054b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_LOCAL = 0x04034b50;
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

export async function openZipSource(file: string, limits: ImportLimits): Promise<FileSource> {
  const fh = await fs.open(file, "r");
  try {
    const entries = await readCentralDirectory(fh, file, limits);
    const byPath = new Map(entries.map((e) => [e.path, e]));
    return {
      label: file,
      entries: entries.map(({ path, size }) => ({ path, size })),
      has: (p) => byPath.has(p),
      async read(p) {
        const e = byPath.get(p);
        if (!e) throw new DatasetImportError("FORMAT_INVALID", `"${p}" is not an entry of ${file}.`, p);
        return readEntry(fh, e);
      },
      close: () => fh.close(),
    };
  } catch (err) {
    await fh.close();
    throw err;
  }
}

function invalid(file: string, why: string): DatasetImportError {
  return new DatasetImportError("ZIP_INVALID", `Refused: ${file} is not a valid zip file (${why}).`);
}

async function readAt(fh: fs.FileHandle, pos: number, len: number): Promise<Buffer> {
  const buf = Buffer.alloc(len);
  const { bytesRead } = await fh.read(buf, 0, len, pos);
  return buf.subarray(0, bytesRead);
}

async function readCentralDirectory(
  fh: fs.FileHandle,
  file: string,
  limits: ImportLimits,
): Promise<ZipEntry[]> {
  const { size } = await fh.stat();
  const tailLen = Math.min(size, 22 + 0xffff);
  const tail = await readAt(fh, size - tailLen, tailLen);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === SIG_EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw invalid(file, "no end-of-central-directory record");
  const count = tail.readUInt16LE(eocd + 10);
  const cdSize = tail.readUInt32LE(eocd + 12);
  const cdOffset = tail.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff)
    throw new DatasetImportError(
      "ZIP_UNSUPPORTED",
      `Refused: ${file} is a Zip64 archive; re-zip it in parts under 4 GB.`,
    );
  if (count > limits.maxFiles)
    throw new DatasetImportError(
      "TOO_MANY_FILES",
      `Refused: the zip has ${count} entries, more than limits.maxFiles (${limits.maxFiles}).`,
    );
  if (cdOffset + cdSize > size) throw invalid(file, "central directory lies past the end of the file");
  const cd = await readAt(fh, cdOffset, cdSize);
  const entries: ZipEntry[] = [];
  const seen = new Set<string>();
  let total = 0;
  let pos = 0;
  for (let n = 0; n < count; n++) {
    if (pos + 46 > cd.length || cd.readUInt32LE(pos) !== SIG_CENTRAL)
      throw invalid(file, `entry ${n} is corrupt`);
    const madeBy = cd.readUInt16LE(pos + 4) >> 8;
    const flags = cd.readUInt16LE(pos + 8);
    const method = cd.readUInt16LE(pos + 10);
    const crc = cd.readUInt32LE(pos + 16);
    const compressedSize = cd.readUInt32LE(pos + 20);
    const uncompressed = cd.readUInt32LE(pos + 24);
    const nameLen = cd.readUInt16LE(pos + 28);
    const extraLen = cd.readUInt16LE(pos + 30);
    const commentLen = cd.readUInt16LE(pos + 32);
    const external = cd.readUInt32LE(pos + 38);
    const localOffset = cd.readUInt32LE(pos + 42);
    const nameBytes = cd.subarray(pos + 46, pos + 46 + nameLen);
    const rawName = flags & 0x800 ? nameBytes.toString("utf8") : nameBytes.toString("latin1");
    pos += 46 + nameLen + extraLen + commentLen;

    const name = safeRelativePath(rawName, "a zip entry");
    const isDir = rawName.endsWith("/");
    if (madeBy === 3 && ((external >>> 16) & S_IFMT) === S_IFLNK)
      throw new DatasetImportError(
        "SYMLINK",
        `Refused: zip entry "${rawName}" is a symbolic link. Zip the files themselves, not links to them.`,
        rawName,
      );
    if (isDir) continue;
    if (flags & 0x1)
      throw new DatasetImportError(
        "ZIP_UNSUPPORTED",
        `Refused: zip entry "${rawName}" is encrypted.`,
        rawName,
      );
    if (method !== 0 && method !== 8)
      throw new DatasetImportError(
        "ZIP_UNSUPPORTED",
        `Refused: zip entry "${rawName}" uses compression method ${method}; only stored and deflate are accepted.`,
        rawName,
      );
    if (uncompressed === 0xffffffff || compressedSize === 0xffffffff)
      throw new DatasetImportError(
        "ZIP_UNSUPPORTED",
        `Refused: zip entry "${rawName}" needs Zip64.`,
        rawName,
      );
    // a forged compressed size would make us allocate it: it must fit in the file and in the per-file limit
    if (compressedSize > size || compressedSize > limits.maxFileBytes * 1.01 + 1024)
      throw invalid(file, `entry "${rawName}" claims ${compressedSize} compressed bytes`);
    if (seen.has(name)) throw invalid(file, `the entry "${name}" appears twice`);
    seen.add(name);
    total += uncompressed;
    if (total > limits.maxTotalBytes)
      throw new DatasetImportError(
        "TOO_LARGE",
        `Refused: the zip unpacks to more than limits.maxTotalBytes (${limits.maxTotalBytes} bytes); this looks like a zip bomb or a dataset too big for one upload.`,
      );
    if (uncompressed > limits.maxFileBytes)
      throw new DatasetImportError(
        "TOO_LARGE",
        `Refused: zip entry "${rawName}" unpacks to ${uncompressed} bytes, more than limits.maxFileBytes (${limits.maxFileBytes}).`,
        rawName,
      );
    if (uncompressed > 1024 * 1024 && uncompressed / Math.max(1, compressedSize) > limits.maxCompressionRatio)
      throw new DatasetImportError(
        "TOO_LARGE",
        `Refused: zip entry "${rawName}" is compressed ${Math.round(uncompressed / Math.max(1, compressedSize))}:1, the signature of a zip bomb.`,
        rawName,
      );
    entries.push({ path: name, size: uncompressed, method, compressedSize, crc, localOffset });
  }
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return entries;
}

async function readEntry(fh: fs.FileHandle, e: ZipEntry): Promise<Uint8Array> {
  const header = await readAt(fh, e.localOffset, 30);
  if (header.length < 30 || header.readUInt32LE(0) !== SIG_LOCAL)
    throw new DatasetImportError(
      "ZIP_INVALID",
      `Refused: zip entry "${e.path}" has a corrupt local header.`,
      e.path,
    );
  const dataStart = e.localOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  const data = await readAt(fh, dataStart, e.compressedSize);
  let out: Uint8Array;
  if (e.method === 0) {
    out = data;
  } else {
    // one byte of headroom: if the stream inflates past its declared size we see it and refuse
    const buf = new Uint8Array(e.size + 1);
    try {
      out = inflateSync(data, { out: buf });
    } catch {
      throw new DatasetImportError("ZIP_INVALID", `Refused: zip entry "${e.path}" does not inflate.`, e.path);
    }
  }
  if (out.length !== e.size || crc32(out) !== e.crc)
    throw new DatasetImportError(
      "ZIP_INVALID",
      `Refused: zip entry "${e.path}" does not match its declared size or checksum (corrupt or forged header).`,
      e.path,
    );
  return out;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
