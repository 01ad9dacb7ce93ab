/** Text encoder: prompts and captions → sentence embeddings (transformers.js over ONNX, offline by default). */
export { CaptionCache, captionKey } from "./caption-cache";
export { LruCache } from "./lru-cache";
export {
  normalizePrompt,
  PROMPT_MAX_CHARS,
  TextInputError,
  type TextInputErrorCode,
} from "./normalize-prompt";
export {
  createTextEncoder,
  type TextEncoder,
  type TextEncoderOptions,
  type TokenStates,
} from "./text-encoder";
export { TextEncoderMismatchError, TextEncoderNotFoundError } from "./text-errors";
export { USE_LITE_DIM, USE_LITE_MAX_TOKENS, USE_LITE_MODEL_ID } from "./use-lite-constants";
export { loadUseLiteConverter, prepareUseLiteModel } from "./use-lite-converter";
export type { PrepareResult } from "./use-lite-model-folder";
export { USE_LITE_UNK_ID, UseLiteTokenizer, type UseLiteVocab } from "./use-lite-tokenizer";
