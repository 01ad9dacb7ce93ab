import path from "node:path";
import { DatasetImportError } from "../import-error";

/**
 * Normalise a path found inside a source (zip entry name, manifest field) to a relative POSIX path,
 * refusing anything that could land outside the source: absolute paths, drive letters, `..` segments, NUL.
 */
export function safeRelativePath(raw: string, where: string): string {
  const p = raw.replace(/\\/g, "/");
  if (p.includes("\0")) throw unsafe(raw, where, "it contains a NUL byte");
  if (p.startsWith("/") || /^[a-zA-Z]:/.test(p)) throw unsafe(raw, where, "it is an absolute path");
  const norm = path.posix.normalize(p);
  if (norm === ".." || norm.startsWith("../") || p.split("/").includes(".."))
    throw unsafe(raw, where, "it climbs out of the folder with '..'");
  return norm.replace(/^\.\//, "");
}

function unsafe(raw: string, where: string, why: string): DatasetImportError {
  return new DatasetImportError(
    "UNSAFE_PATH",
    `Refused: ${where} names the path "${raw}", which points outside the dataset (${why}). ` +
      "Every path must be relative and stay inside the uploaded folder.",
    raw,
  );
}
