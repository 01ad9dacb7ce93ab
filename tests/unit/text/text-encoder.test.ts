import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CaptionCache,
  createTextEncoder,
  normalizePrompt,
  type TextEncoder,
  TextEncoderMismatchError,
  TextEncoderNotFoundError,
  TextInputError,
  USE_LITE_MODEL_ID,
} from "@/lib/text";

const modelsDir = path.resolve(import.meta.dirname, "..", "..", "..", "models");
const cos = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i], 0);
const tmpDirs: string[] = [];
const tmp = (p: string) => {
  tmpDirs.push(mkdtempSync(path.join(tmpdir(), p)));
  return tmpDirs[tmpDirs.length - 1];
};
afterAll(() => {
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
});

describe("createTextEncoder (ganvas/use-lite)", () => {
  let enc: TextEncoder;
  beforeAll(async () => {
    enc = await createTextEncoder({ modelsDir });
  });

  it("has the contract's id and dim", () => {
    expect(enc.id).toBe(USE_LITE_MODEL_ID);
    expect(enc.dim).toBe(512);
    expect(enc.tokenizerKind).toBe("use-lite-viterbi");
  });

  it("embedBatch rows equal embed, in order, duplicates included", async () => {
    const texts = ["a red bird", "  a   red bird ", "a long caption about a yellow flower in a field", "x"];
    const batch = await enc.embedBatch(texts);
    expect(batch).toHaveLength(texts.length * 512);
    for (const [i, t] of texts.entries()) {
      const one = await enc.embed(t);
      for (let d = 0; d < 512; d++) expect(Math.abs(batch[i * 512 + d] - one[d])).toBeLessThan(1e-5);
    }
  });

  it("keeps input order when it splits a batch into length-sorted chunks", async () => {
    const chunked = await createTextEncoder({ modelsDir, maxBatch: 3, lruSize: 0 });
    const texts = [
      "a much longer caption about a bird on a branch",
      "bird",
      "a red bird",
      "x",
      "a flower",
      "bird",
    ];
    const batch = await chunked.embedBatch(texts);
    for (const [i, t] of texts.entries()) {
      const one = await enc.embed(t);
      for (let d = 0; d < 512; d++) expect(Math.abs(batch[i * 512 + d] - one[d])).toBeLessThan(1e-5);
    }
  });

  it("embeds any unicode to a finite unit vector", async () => {
    const texts = [
      "😀",
      "🐦🌸🚗",
      "中文字符",
      "日本語のテキスト",
      "مرحبا بالعالم",
      "Z̤̈a̴l̗g̸o",
      "👩‍👩‍👧 family",
      "\ud83d lone",
    ];
    const batch = await enc.embedBatch(texts);
    for (let i = 0; i < texts.length; i++) {
      const v = batch.subarray(i * 512, (i + 1) * 512);
      expect(v.every(Number.isFinite)).toBe(true);
      expect(Math.hypot(...v)).toBeCloseTo(1, 4);
    }
  });

  it("refuses empty and too-long prompts with TextInputError, in embed and embedBatch", async () => {
    await expect(enc.embed(" \n ")).rejects.toBeInstanceOf(TextInputError);
    await expect(enc.embedBatch(["ok", ""])).rejects.toMatchObject({ code: "PROMPT_EMPTY" });
    await expect(enc.embed("a".repeat(513))).rejects.toMatchObject({ code: "PROMPT_TOO_LONG" });
  });

  it("returns per-token hidden states with a mask; the graph keeps at most 128 tokens", async () => {
    const long = `${"a, ".repeat(100)}end`;
    const states = await enc.embedTokens(["a small red bird", long]);
    expect(states.n).toBe(2);
    expect(states.dim).toBe(512);
    expect(states.tokens).toBe(128);
    expect(states.hidden).toHaveLength(2 * 128 * 512);
    const count = (i: number) => states.mask.subarray(i * 128, (i + 1) * 128).reduce((a, b) => a + b, 0);
    expect(count(0)).toBe(enc.tokenize("a small red bird").length);
    expect(count(1)).toBe(128);
  });

  it("hands out copies: mutating a result does not poison the prompt cache", async () => {
    const a = await enc.embed("a cached prompt");
    a.fill(0);
    expect(Math.hypot(...(await enc.embed("a cached prompt")))).toBeCloseTo(1, 5);
  });

  it("refuses a model trained with another encoder, naming both ids", () => {
    expect(() => enc.assertEncoderMatches(USE_LITE_MODEL_ID)).not.toThrow();
    expect(() => enc.assertEncoderMatches("sentence-transformers/all-MiniLM-L6-v2")).toThrow(
      TextEncoderMismatchError,
    );
    expect(() => enc.assertEncoderMatches("other/model")).toThrow(/"other\/model".*"ganvas\/use-lite"/);
  });
});

describe("persistent caption cache in embedBatch", () => {
  it("stores computed captions and serves them to a later encoder without recomputing", async () => {
    const cacheDir = tmp("ganvas-enc-cache-");
    const first = await createTextEncoder({ modelsDir, cacheDir });
    const v = await first.embedBatch(["a red bird", "a blue flower"]);
    const stored = CaptionCache.open(cacheDir, USE_LITE_MODEL_ID, 512);
    expect(Array.from(stored.get("a red bird") ?? [])).toEqual(Array.from(v.subarray(0, 512)));
    // Plant a marker vector: a new encoder must return it instead of running the model.
    const marker = new Float32Array(512).fill(1 / Math.sqrt(512));
    stored.putMany([[normalizePrompt("a planted caption"), marker]]);
    const second = await createTextEncoder({ modelsDir, cacheDir });
    const out = await second.embedBatch(["a planted caption", "a red bird"]);
    expect(Array.from(out.subarray(0, 512))).toEqual(Array.from(marker));
    expect(Array.from(out.subarray(512))).toEqual(Array.from(v.subarray(0, 512)));
  });
});

describe("first use without models:prepare", () => {
  it("generates the built-in model folder, then embeds", async () => {
    const dir = tmp("ganvas-lazy-");
    const lazy = await createTextEncoder({ modelsDir: dir });
    expect(readFileSync(path.join(dir, "ganvas", "use-lite", ".ganvas-stamp.json"), "utf8")).toContain(
      "converterVersion",
    );
    expect(Math.hypot(...(await lazy.embed("a red bird")))).toBeCloseTo(1, 5);
    await lazy.dispose();
  });
});

describe("pluggable encoders", () => {
  it("explains how to get a missing model", async () => {
    const err = await createTextEncoder({ modelsDir: tmp("ganvas-models-"), modelId: "nobody/none" }).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(TextEncoderNotFoundError);
    expect(String(err.message)).toMatch(/models:prepare|copy a transformers\.js model folder/);
  });

  it("loads any transformers.js folder under modelsDir through AutoTokenizer + AutoModel", async () => {
    // A user-supplied model: the same network, but with a plain tokenizer.json (Unigram) and no ganvas hints.
    const dir = tmp("ganvas-models-");
    const src = path.join(modelsDir, "ganvas", "use-lite");
    const dst = path.join(dir, "someone", "plain-encoder");
    mkdirSync(path.join(dst, "onnx"), { recursive: true });
    for (const f of ["tokenizer.json", "tokenizer_config.json", "onnx/model.onnx"])
      copyFileSync(path.join(src, f), path.join(dst, f));
    const config = JSON.parse(readFileSync(path.join(src, "config.json"), "utf8"));
    delete config.ganvas;
    writeFileSync(path.join(dst, "config.json"), JSON.stringify(config));

    const plain = await createTextEncoder({ modelsDir: dir, modelId: "someone/plain-encoder" });
    const builtIn = await createTextEncoder({ modelsDir });
    expect(plain.id).toBe("someone/plain-encoder");
    expect(plain.dim).toBe(512);
    expect(plain.tokenizerKind).toBe("tokenizer.json");
    const text = "a small red bird with black wings";
    const v = await plain.embed(text);
    expect(Math.hypot(...v)).toBeCloseTo(1, 5);
    expect(cos(v, await builtIn.embed(text))).toBeGreaterThan(0.99);
    expect(() => plain.assertEncoderMatches(USE_LITE_MODEL_ID)).toThrow(TextEncoderMismatchError);
  });
});
