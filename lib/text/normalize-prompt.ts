/** Longest accepted prompt or caption, in Unicode code points after normalisation. USE-Lite reads at most
 * 128 tokens (≈ 400–600 characters of English); 512 characters keeps room for that and refuses pasted essays. */
export const PROMPT_MAX_CHARS = 512;

export type TextInputErrorCode = "PROMPT_EMPTY" | "PROMPT_TOO_LONG";

export class TextInputError extends Error {
  constructor(
    readonly code: TextInputErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "TextInputError";
  }
}

// Control characters (Unicode Cc) are removed after whitespace (tab, newline...) has become a space.
// Format characters (Cf) such as the zero-width joiner are kept: emoji sequences need them.
const CONTROL = /\p{Cc}/gu;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// Any run of whitespace (tabs, newlines, NBSP, ideographic space...) becomes one ASCII space.
const WHITESPACE = /\s+/gu;

/**
 * Cleans a prompt or caption the same way everywhere (serving, dataset import, training), so one text always
 * maps to one embedding: replaces lone surrogates with U+FFFD, removes control characters, turns whitespace
 * runs into single spaces, trims. Throws TextInputError PROMPT_EMPTY when nothing is left and PROMPT_TOO_LONG
 * when more than PROMPT_MAX_CHARS code points remain. Case, punctuation, emoji and CJK are kept as typed.
 */
export function normalizePrompt(s: string): string {
  if (typeof s !== "string") throw new TextInputError("PROMPT_EMPTY", "The prompt must be a string.");
  const cleaned = s
    .replace(LONE_SURROGATE, "\uFFFD")
    .replace(WHITESPACE, " ")
    .replace(CONTROL, "")
    .replace(/ {2,}/g, " ")
    .trim();
  if (cleaned.length === 0) {
    throw new TextInputError("PROMPT_EMPTY", "The prompt is empty: type a short description of the image.");
  }
  let count = 0;
  for (const _ of cleaned) count++;
  if (count > PROMPT_MAX_CHARS) {
    throw new TextInputError(
      "PROMPT_TOO_LONG",
      `The prompt is ${count} characters long; the limit is ${PROMPT_MAX_CHARS}. Shorten it.`,
    );
  }
  return cleaned;
}
