import { describe, expect, it } from "vitest";
import { generateRequestSchema } from "@/lib/server/generate-request";
import { PROMPT_MAX_CHARS } from "@/lib/text";

const parse = (b: unknown) => generateRequestSchema.safeParse(b);
const message = (b: unknown) => {
  const r = parse(b);
  return r.success ? "OK" : r.error.issues.map((i) => i.message).join("; ");
};

describe("generate request limits", () => {
  it("applies defaults and normalises the prompt", () => {
    const r = generateRequestSchema.parse({ prompt: "  a red\u0007 heart \n " });
    expect(r).toEqual({ prompt: "a red heart", count: 4, truncation: 0.7, live: false });
  });

  it("refuses bad input with messages that say what to fix", () => {
    expect(message({})).toMatch(/prompt is required/);
    expect(message({ prompt: "   " })).toMatch(/empty/i);
    expect(message({ prompt: "x".repeat(PROMPT_MAX_CHARS + 1) })).toMatch(new RegExp(`${PROMPT_MAX_CHARS}`));
    expect(message({ prompt: "ok", count: 0 })).toMatch(/count must be at least 1/);
    expect(message({ prompt: "ok", count: 17 })).toMatch(/count must be at most 16/);
    expect(message({ prompt: "ok", count: 2.5 })).toMatch(/whole number/);
    expect(message({ prompt: "ok", seed: -3 })).toMatch(/seed must be at least 0/);
    expect(message({ prompt: "ok", truncation: 0.1 })).toMatch(/truncation must be at least/);
    expect(message({ prompt: "ok", variation: { of: 1, strength: 3 } })).not.toBe("OK");
  });

  it("accepts any unicode prompt", () => {
    for (const p of ["一只红色的鸟", "🐦🌸", "ça va — «très» bien", "\u202Eevil"])
      expect(parse({ prompt: p }).success).toBe(true);
  });
});
