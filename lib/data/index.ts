export { decodeCaptionFile } from "./caption-text";
export { type ContactSheetOptions, contactSheet } from "./contact-sheet";
export { datasetContentHash } from "./content-hash";
export * from "./dataset-format";
export { type CaptionEncoder, type EmbedOptions, embedDatasetCaptions } from "./embed-captions";
export { type BuildEmojiOptions, type BuildEmojiResult, buildEmojiDataset } from "./emoji/build-emoji";
export { decodeImage, stackganCrop } from "./image-decode";
export {
  IMPORT_FORMATS,
  type ImportFormat,
  type ImportOptions,
  type ImportResult,
  importDataset,
} from "./import-dataset";
export { DatasetImportError, IMPORT_ERROR_CODES, type ImportErrorCode } from "./import-error";
export { DEFAULT_IMPORT_LIMITS, type ImportLimits } from "./import-limits";
export { nearestClassRecords } from "./nearest-classes";
export { type PickleValue, readPickle } from "./python-pickle";
export { assignSplits, DEFAULT_SPLIT_OPTIONS, type SplitOptions, splitRecordIndices } from "./splits";
export * from "./synthetic-shapes";
export { buildReport, formatReport, type ValidationReport } from "./validation-report";
