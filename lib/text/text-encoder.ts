import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import {
  AutoConfig,
  AutoModel,
  AutoTokenizer,
  CLIPTextModelWithProjection,
  env,
  type PreTrainedModel,
  Tensor,
} from "@huggingface/transformers";
import { CaptionCache } from "./caption-cache";
import { LruCache } from "./lru-cache";
import { normalizePrompt } from "./normalize-prompt";
import { l2NormalizeRows, meanPoolRows } from "./pooling";
import { TextEncoderMismatchError, TextEncoderNotFoundError } from "./text-errors";
import {
  USE_LITE_MAX_TOKENS,
  USE_LITE_MODEL_ID,
  USE_LITE_STAMP_FILE,
  USE_LITE_TOKENIZER_KIND,
} from "./use-lite-constants";
import { prepareUseLiteModel } from "./use-lite-converter";
import { UseLiteTokenizer, type UseLiteVocab } from "./use-lite-tokenizer";

export interface TextEncoderOptions {
  /** Folder holding transformers.js model folders (<modelsDir>/<modelId>/...). Default: ./models (repo root). */
  modelsDir?: string;
  /** transformers.js model id. Default "ganvas/use-lite". */
  modelId?: string;
  /** Where the persistent caption-embedding cache lives; no persistent cache when absent. */
  cacheDir?: string;
  /** Let transformers.js fetch a model from the Hugging Face hub when it is not under modelsDir. Default false. */
  allowRemote?: boolean;
  /** Prompts kept in memory (LRU). Default 1024. */
  lruSize?: number;
  /** Texts per model run in embedBatch. Default 64. */
  maxBatch?: number;
  /** onnxruntime intra-op threads. Default 1: on a 2-core machine shared with the GAN (or other jobs), one
   * thread measured 2–4× faster than two spinning threads at batch 1 and faster at batch 32 too. */
  threads?: number;
}

/** Per-token hidden states of a batch: hidden [n, tokens, dim] row-major, mask [n, tokens] (1 = real token). */
export interface TokenStates {
  hidden: Float32Array;
  mask: Uint8Array;
  n: number;
  tokens: number;
  dim: number;
}

export interface TextEncoder {
  readonly id: string;
  readonly dim: number;
  /** "use-lite-viterbi" (exact reference tokenizer) or "tokenizer.json" (transformers.js AutoTokenizer). */
  readonly tokenizerKind: string;
  /** One prompt → [dim], L2-normalised. Cached in memory (LRU). Throws TextInputError on bad input. */
  embed(text: string): Promise<Float32Array>;
  /** Texts → [n·dim] row-major, L2-normalised. Uses the persistent caption cache when cacheDir was given. */
  embedBatch(texts: string[]): Promise<Float32Array>;
  /** Per-token hidden states of the last layer (for attention-based models). */
  embedTokens(texts: string[]): Promise<TokenStates>;
  /** Token ids the model sees for a text (after normalizePrompt). */
  tokenize(text: string): number[];
  /** Throws TextEncoderMismatchError naming both ids when a model was trained with another encoder. */
  assertEncoderMatches(expectedId: string): void;
  /** Releases the ONNX session; the encoder must not be used afterwards. */
  dispose(): Promise<void>;
}

interface GanvasModelConfig {
  tokenizer?: string;
  normalized?: boolean;
  dim?: number;
  max_tokens?: number;
}

type Encode = (texts: string[]) => { feeds: Record<string, Tensor>; mask: Uint8Array; tokens: number };

// The repo root is the working directory for npm scripts, tests and `next start`; bundlers move this file, so
// its own location is no guide. Callers with another layout pass modelsDir.
const defaultModelsDir = () => path.resolve(process.cwd(), "models");

export async function createTextEncoder(opts: TextEncoderOptions = {}): Promise<TextEncoder> {
  const modelsDir = path.resolve(opts.modelsDir ?? defaultModelsDir());
  const id = opts.modelId ?? USE_LITE_MODEL_ID;
  const allowRemote = opts.allowRemote ?? false;
  const folder = path.join(modelsDir, ...id.split("/"));
  const configFile = path.join(folder, "config.json");

  // The built-in encoder is generated on first use when `npm run models:prepare` has not run yet.
  // The stamp is written last, so a folder another process is still writing counts as missing.
  if (id === USE_LITE_MODEL_ID && !existsSync(path.join(folder, USE_LITE_STAMP_FILE))) {
    await prepareUseLiteModel(modelsDir);
  }
  if (!existsSync(configFile) && !allowRemote) throw new TextEncoderNotFoundError(id, folder);

  env.allowLocalModels = true;
  env.localModelPath = `${modelsDir}${path.sep}`;
  env.allowRemoteModels = allowRemote;
  // Hub downloads (only when allowed) go beside the caption cache instead of inside node_modules.
  if (allowRemote && opts.cacheDir) env.cacheDir = path.join(opts.cacheDir, "hf-models");
  const config = (
    existsSync(configFile)
      ? JSON.parse(readFileSync(configFile, "utf8"))
      : await AutoConfig.from_pretrained(id, { local_files_only: !allowRemote })
  ) as { model_type?: string; ganvas?: GanvasModelConfig };
  const ganvas = config.ganvas ?? {};
  // A CLIP folder holds both towers; only the text tower (onnx/text_model.onnx, output text_embeds) is wanted.
  const Model = config.model_type === "clip" ? CLIPTextModelWithProjection : AutoModel;
  const model: PreTrainedModel = await Model.from_pretrained(id, {
    dtype: "fp32",
    local_files_only: !allowRemote,
    session_options: { intraOpNumThreads: opts.threads ?? 1, interOpNumThreads: 1 },
  });

  let encode: Encode;
  let tokenize: (text: string) => number[];
  if (ganvas.tokenizer === USE_LITE_TOKENIZER_KIND) {
    // Exact reference tokenizer; its vocabulary is the Unigram vocab stored in tokenizer.json.
    const vocab = JSON.parse(readFileSync(path.join(folder, "tokenizer.json"), "utf8")).model
      .vocab as UseLiteVocab;
    const tok = new UseLiteTokenizer(vocab);
    const maxTokens = ganvas.max_tokens ?? USE_LITE_MAX_TOKENS;
    tokenize = (text) => tok.encode(normalizePrompt(text)).slice(0, maxTokens);
    encode = (texts) => denseBatch(texts.map((t) => tok.encode(t).slice(0, maxTokens)));
  } else {
    const tok = await AutoTokenizer.from_pretrained(id, { local_files_only: !allowRemote });
    tokenize = (text) => tok.encode(normalizePrompt(text));
    encode = (texts) => {
      const enc = tok(texts, { padding: true, truncation: true }) as Record<string, Tensor>;
      const m = enc.attention_mask;
      return { feeds: enc, mask: Uint8Array.from(m.data as BigInt64Array, Number), tokens: m.dims[1] };
    };
  }

  // Sentence vectors for already-normalised texts, one model run.
  const run = async (texts: string[]): Promise<Float32Array> => {
    const { feeds, mask, tokens } = encode(texts);
    const out = (await model(feeds)) as Record<string, Tensor>;
    const pooled = out.sentence_embedding ?? out.text_embeds ?? out.sentence_embeddings;
    if (pooled) {
      const data = (pooled.data as Float32Array).slice();
      return ganvas.normalized ? data : l2NormalizeRows(data, texts.length);
    }
    const hidden = out.last_hidden_state;
    if (!hidden)
      throw new Error(
        `text encoder ${id} returned none of sentence_embedding, text_embeds, last_hidden_state`,
      );
    const dim = hidden.dims[2];
    return l2NormalizeRows(
      meanPoolRows(hidden.data as Float32Array, mask, texts.length, tokens, dim),
      texts.length,
    );
  };

  const probe = await run(["a"]);
  const dim = ganvas.dim ?? probe.length;
  const lru = new LruCache<string, Float32Array>(opts.lruSize ?? 1024);
  const captions = opts.cacheDir ? CaptionCache.open(opts.cacheDir, id, dim) : null;
  const maxBatch = opts.maxBatch ?? 64;

  const embedBatch = async (texts: string[]): Promise<Float32Array> => {
    const clean = texts.map(normalizePrompt); // throws TextInputError before any work
    const result = new Float32Array(clean.length * dim);
    const missing: number[] = [];
    clean.forEach((t, i) => {
      const hit = lru.get(t) ?? captions?.get(t);
      if (hit) result.set(hit, i * dim);
      else missing.push(i);
    });
    // Unique misses only, sorted by length so each chunk of maxBatch pads little; each chunk is persisted as
    // soon as it is computed, so an interrupted dataset import keeps what it has done.
    const unique = [...new Set(missing.map((i) => clean[i]))].sort((a, b) => a.length - b.length);
    const computed = new Map<string, Float32Array>();
    for (let s = 0; s < unique.length; s += maxBatch) {
      const chunk = unique.slice(s, s + maxBatch);
      const vecs = await run(chunk);
      const rows = chunk.map((t, k): [string, Float32Array] => [t, vecs.slice(k * dim, (k + 1) * dim)]);
      for (const [t, v] of rows) computed.set(t, v);
      captions?.putMany(rows);
    }
    for (const i of missing) result.set(computed.get(clean[i]) as Float32Array, i * dim);
    return result;
  };

  return {
    id,
    dim,
    tokenizerKind: ganvas.tokenizer === USE_LITE_TOKENIZER_KIND ? USE_LITE_TOKENIZER_KIND : "tokenizer.json",
    async embed(text) {
      const clean = normalizePrompt(text);
      let vec = lru.get(clean);
      if (!vec) {
        vec = await run([clean]);
        lru.set(clean, vec);
      }
      return vec.slice(); // callers may mutate their copy
    },
    embedBatch,
    async embedTokens(texts) {
      const clean = texts.map(normalizePrompt);
      const { feeds, mask } = encode(clean);
      const out = (await model(feeds)) as Record<string, Tensor>;
      const hidden = out.last_hidden_state;
      if (!hidden) throw new Error(`text encoder ${id} has no last_hidden_state output`);
      const [n, tokens, d] = hidden.dims;
      // USE-Lite's graph clips to 128 tokens: the returned token axis may be shorter than the input's.
      const m = new Uint8Array(n * tokens);
      const inputTokens = mask.length / n;
      for (let i = 0; i < n; i++) m.set(mask.subarray(i * inputTokens, i * inputTokens + tokens), i * tokens);
      return { hidden: (hidden.data as Float32Array).slice(), mask: m, n, tokens, dim: d };
    },
    tokenize,
    assertEncoderMatches(expectedId) {
      if (expectedId !== id) throw new TextEncoderMismatchError(expectedId, id);
    },
    async dispose() {
      lru.clear();
      await model.dispose();
    },
  };
}

/** Right-padded int64 batch [n, T] with its attention mask, from token id rows. */
function denseBatch(rows: number[][]): ReturnType<Encode> {
  const n = rows.length;
  const tokens = Math.max(1, ...rows.map((r) => r.length));
  const ids = new BigInt64Array(n * tokens);
  const am = new BigInt64Array(n * tokens);
  const mask = new Uint8Array(n * tokens);
  rows.forEach((row, i) => {
    if (row.length === 0) throw new Error("a text produced no tokens"); // normalizePrompt prevents this
    row.forEach((t, j) => {
      ids[i * tokens + j] = BigInt(t);
      am[i * tokens + j] = 1n;
      mask[i * tokens + j] = 1;
    });
  });
  return {
    feeds: {
      input_ids: new Tensor("int64", ids, [n, tokens]),
      attention_mask: new Tensor("int64", am, [n, tokens]),
    },
    mask,
    tokens,
  };
}
