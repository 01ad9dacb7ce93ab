/** Limits that keep a hostile upload from exhausting the machine. All can be overridden per import. */
export interface ImportLimits {
  /** files in the source (folder walk or zip entries) */
  maxFiles: number;
  /** total uncompressed bytes of the source (declared and actual, for zips) */
  maxTotalBytes: number;
  /** a single file's bytes */
  maxFileBytes: number;
  /** width × height of one image, checked from the header before decoding */
  maxPixels: number;
  /** bytes of one caption file (or all captions of one image) */
  maxCaptionBytes: number;
  /** compression ratio of one zip entry above which it is treated as a bomb */
  maxCompressionRatio: number;
}

export const DEFAULT_IMPORT_LIMITS: ImportLimits = {
  maxFiles: 200_000,
  maxTotalBytes: 4 * 1024 ** 3,
  maxFileBytes: 64 * 1024 ** 2,
  maxPixels: 40_000_000,
  maxCaptionBytes: 64 * 1024,
  maxCompressionRatio: 200,
};

export function resolveLimits(overrides: Partial<ImportLimits> = {}): ImportLimits {
  return { ...DEFAULT_IMPORT_LIMITS, ...overrides };
}
