import { describe, expect, it } from "vitest";
import { normalizePrompt, PROMPT_MAX_CHARS, TextInputError } from "@/lib/text";

const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e instanceof TextInputError ? e.code : `other: ${(e as Error).message}`;
  }
  return "no error";
};

describe("normalizePrompt", () => {
  it("trims and collapses whitespace, turning tabs and newlines into spaces", () => {
    expect(normalizePrompt("  a red\tbird\n\nwith   wings \u3000")).toBe("a red bird with wings");
  });
  it("removes control characters but keeps emoji joiners, CJK and case", () => {
    expect(normalizePrompt("A\u0000 b\u0007ird\u001b 👩‍👩‍👧 中文")).toBe("A bird 👩‍👩‍👧 中文");
  });
  it("replaces lone surrogates instead of crashing", () => {
    expect(normalizePrompt("bird \ud83d end")).toBe("bird \ufffd end");
  });
  it("refuses empty prompts, also when only whitespace or control characters remain", () => {
    for (const s of ["", "   ", "\n\t", "\u0000\u0001 \u007f"])
      expect(codeOf(() => normalizePrompt(s))).toBe("PROMPT_EMPTY");
  });
  it(`accepts ${PROMPT_MAX_CHARS} code points and refuses one more`, () => {
    expect(normalizePrompt("😀".repeat(PROMPT_MAX_CHARS))).toHaveLength(2 * PROMPT_MAX_CHARS); // counted in code points
    expect(codeOf(() => normalizePrompt("a".repeat(PROMPT_MAX_CHARS + 1)))).toBe("PROMPT_TOO_LONG");
  });
  it("gives messages that say what to do", () => {
    expect(() => normalizePrompt(" ")).toThrow(/empty/);
    expect(() => normalizePrompt("x".repeat(600))).toThrow(/600 characters.*limit is 512/);
  });
});
