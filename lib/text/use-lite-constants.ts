/** Facts about the built-in encoder that the runtime needs without loading the converter (and onnx-proto). */
export const USE_LITE_MODEL_ID = "ganvas/use-lite";
/** Marker in config.json ("ganvas.tokenizer") telling lib/text to use the exact USE-Lite tokenizer. */
export const USE_LITE_TOKENIZER_KIND = "use-lite-viterbi";
export const USE_LITE_DIM = 512;
/** The graph drops tokens at positions ≥ 128 (its ClipToMaxLength); longer inputs are embedded from the first 128. */
export const USE_LITE_MAX_TOKENS = 128;
/** Written last by the converter: its presence means the model folder is complete. */
export const USE_LITE_STAMP_FILE = ".ganvas-stamp.json";
