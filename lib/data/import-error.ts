/**
 * The one error type of dataset import. Every refusal has a fixed code (for the admin console and tests)
 * and a message that names the offending file and says what to do about it.
 */
export const IMPORT_ERROR_CODES = [
  "SOURCE_NOT_FOUND",
  "UNSAFE_PATH",
  "SYMLINK",
  "TOO_MANY_FILES",
  "TOO_LARGE",
  "ZIP_INVALID",
  "ZIP_UNSUPPORTED",
  "NOT_AN_IMAGE",
  "IMAGE_TRUNCATED",
  "IMAGE_TOO_LARGE",
  "CAPTION_EMPTY",
  "CAPTION_BINARY",
  "CAPTION_ENCODING",
  "CAPTION_TOO_LARGE",
  "FORMAT_INVALID",
  "EMPTY_DATASET",
  "TARGET_EXISTS",
] as const;
export type ImportErrorCode = (typeof IMPORT_ERROR_CODES)[number];

export class DatasetImportError extends Error {
  readonly code: ImportErrorCode;
  /** path of the offending file inside the source, when there is one */
  readonly file?: string;
  constructor(code: ImportErrorCode, message: string, file?: string) {
    super(message);
    this.name = "DatasetImportError";
    this.code = code;
    this.file = file;
  }
}

/** Problems that are about one item's content (not the archive or the layout): these may be skipped with `strict: false`. */
export const SKIPPABLE_CODES: ReadonlySet<ImportErrorCode> = new Set([
  "NOT_AN_IMAGE",
  "IMAGE_TRUNCATED",
  "IMAGE_TOO_LARGE",
  "CAPTION_EMPTY",
  "CAPTION_BINARY",
  "CAPTION_ENCODING",
  "CAPTION_TOO_LARGE",
]);
