/**
 * npm run bench:text [-- --model ID] [-- --models-dir DIR] [-- --n 256] [-- --threads 1]
 * Measures the text encoder: cold load (createTextEncoder on a prepared model folder: config, tokenizer, ONNX
 * session, one warm-up run), the import of lib/text + transformers.js before it (reported apart: under tsx it is
 * slower than in a plain Node server), then milliseconds per caption at batch 1 and batch 32 with every cache off.
 * Ends with one JSON line.
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    model: { type: "string" },
    "models-dir": { type: "string" },
    n: { type: "string", default: "256" },
    threads: { type: "string", default: "1" },
  },
});
const modelsDir = path.resolve(values["models-dir"] ?? path.join(import.meta.dirname, "..", "models"));
const n = Math.max(32, Number(values.n));

const t0 = performance.now();
const text = await import("@/lib/text");
const importMs = performance.now() - t0;
const modelId = values.model ?? text.USE_LITE_MODEL_ID;
if (modelId === text.USE_LITE_MODEL_ID) await text.prepareUseLiteModel(modelsDir); // not timed: a no-op once prepared

// tsx parses every imported file itself, which makes the 2 MB transformers.js bundle slow to import here; a Node
// server (next start) imports it natively. Measure that too, in a plain child process.
const plainImportMs = Number(
  execFileSync(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      'const t = performance.now(); await import("@huggingface/transformers"); console.log(performance.now() - t);',
    ],
    { cwd: path.join(import.meta.dirname, ".."), encoding: "utf8" },
  ).trim(),
);

const t1 = performance.now();
const threads = Number(values.threads);
const enc = await text.createTextEncoder({ modelsDir, modelId, lruSize: 0, threads });
const createMs = performance.now() - t1;

// Distinct captions shaped like dataset captions (6–14 words).
const colors = ["red", "yellow", "blue", "green", "black", "white", "orange", "purple"];
const things = ["bird", "flower", "car", "cat", "face", "house", "mountain", "boat"];
const parts = ["wings", "petals", "wheels", "whiskers", "eyes", "windows", "snow", "sails"];
const caption = (i: number) =>
  `a ${["small", "large", "bright"][i % 3]} ${colors[i % 8]} ${things[(i >> 3) % 8]} with ${colors[(i >> 6) % 8]} ${parts[(i >> 3) % 8]} number ${i}`;
const captions = Array.from({ length: n }, (_, i) => caption(i));

async function msPerCaption(batch: number): Promise<number> {
  for (let i = 0; i < 3; i++) await enc.embedBatch(captions.slice(0, batch)); // warm-up
  const t = performance.now();
  for (let s = 0; s + batch <= n; s += batch) await enc.embedBatch(captions.slice(s, s + batch));
  return (performance.now() - t) / (Math.floor(n / batch) * batch);
}
const b1 = await msPerCaption(1);
const b32 = await msPerCaption(32);

const r = (x: number) => Math.round(x * 100) / 100;
console.log(`text encoder ${enc.id} (dim ${enc.dim}), ${n} captions, ${threads} onnxruntime thread(s)`);
console.log(
  `cold load: ${r(createMs)} ms (createTextEncoder); before it, importing transformers.js takes ${r(plainImportMs)} ms ` +
    `in plain Node (${r(importMs)} ms for lib/text under tsx)`,
);
console.log(`batch 1:   ${r(b1)} ms per caption`);
console.log(`batch 32:  ${r(b32)} ms per caption`);
console.log(
  JSON.stringify({
    model: enc.id,
    cold_load_ms: r(createMs),
    import_ms_node: r(plainImportMs),
    import_ms_tsx: r(importMs),
    ms_per_caption_b1: r(b1),
    ms_per_caption_b32: r(b32),
    captions: n,
    threads,
  }),
);
