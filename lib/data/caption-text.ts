import { DatasetImportError } from "./import-error";

/** Collapse whitespace and strip control characters from one caption. */
export function cleanCaption(s: string): string {
  return s
    .replace(/\p{Cc}/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * Decode a caption file (one caption per line) strictly: UTF-8 only (a UTF-8 BOM is allowed), no binary content,
 * at most `maxBytes`, at least one non-empty line. Every refusal names the file and says how to fix it.
 */
export function decodeCaptionFile(bytes: Uint8Array, file: string, maxBytes: number): string[] {
  if (bytes.length > maxBytes)
    throw new DatasetImportError(
      "CAPTION_TOO_LARGE",
      `Caption file "${file}" has ${bytes.length} bytes, more than limits.maxCaptionBytes (${maxBytes}).`,
      file,
    );
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
    throw new DatasetImportError(
      "CAPTION_ENCODING",
      `Caption file "${file}" is UTF-16; save it as UTF-8 (one caption per line).`,
      file,
    );
  let controls = 0;
  for (const b of bytes) {
    if (b === 0)
      throw new DatasetImportError(
        "CAPTION_BINARY",
        `Caption file "${file}" contains NUL bytes: it is binary, not text.`,
        file,
      );
    if (b < 32 && b !== 9 && b !== 10 && b !== 13) controls++;
  }
  if (controls > Math.max(2, bytes.length * 0.05))
    throw new DatasetImportError("CAPTION_BINARY", `Caption file "${file}" looks binary, not text.`, file);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new DatasetImportError(
      "CAPTION_ENCODING",
      `Caption file "${file}" is not valid UTF-8 (Latin-1 or Windows-1252?); convert it to UTF-8.`,
      file,
    );
  }
  const captions = text
    .split(/\r?\n|\r/)
    .map(cleanCaption)
    .filter(Boolean);
  if (captions.length === 0)
    throw new DatasetImportError(
      "CAPTION_EMPTY",
      `Caption file "${file}" has no captions (it is empty).`,
      file,
    );
  return captions;
}

/** Check captions given inline (COCO, JSON lines) against the same rules as caption files. */
export function checkInlineCaptions(raw: unknown[], where: string, maxBytes: number): string[] {
  const captions: string[] = [];
  let bytes = 0;
  for (const c of raw) {
    if (typeof c !== "string")
      throw new DatasetImportError("FORMAT_INVALID", `${where}: every caption must be a string.`, where);
    bytes += Buffer.byteLength(c);
    const clean = cleanCaption(c);
    if (clean) captions.push(clean);
  }
  if (bytes > maxBytes)
    throw new DatasetImportError(
      "CAPTION_TOO_LARGE",
      `${where}: captions have ${bytes} bytes, more than limits.maxCaptionBytes (${maxBytes}).`,
      where,
    );
  if (captions.length === 0)
    throw new DatasetImportError("CAPTION_EMPTY", `${where} has no non-empty caption.`, where);
  return captions;
}
