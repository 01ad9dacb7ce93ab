/**
 * Quick look at a checkpoint:
 *   npm run generate -- --checkpoint RUN_OR_CHECKPOINT_DIR --prompt "a red circle" --count 8 --seed 1 --out grid.png [--truncation 1.5]
 * Prompts are embedded with the text encoder the checkpoint was trained with.
 */
import { parseArgs } from "node:util";
import { createTextEncoder, normalizePrompt } from "@/lib/text";
import { SYNTHETIC_BOW_ID, syntheticBowEmbed } from "../lib/data";
import { loadGenerator } from "../lib/gan";
import { initBackend } from "../lib/tensor";
import { writeImageGrid } from "../lib/train";

const { values } = parseArgs({
  options: {
    checkpoint: { type: "string" },
    prompt: { type: "string" },
    count: { type: "string", default: "8" },
    seed: { type: "string", default: "1" },
    truncation: { type: "string" },
    out: { type: "string", default: "grid.png" },
  },
});
if (!values.checkpoint || !values.prompt) {
  console.error(
    'usage: npm run generate -- --checkpoint DIR --prompt "..." [--count 8] [--seed 1] [--truncation T] [--out grid.png]',
  );
  process.exit(2);
}

async function embedPrompt(encoderId: string, dim: number, prompt: string): Promise<Float32Array> {
  if (encoderId === SYNTHETIC_BOW_ID) return syntheticBowEmbed(prompt, dim);
  const enc = await createTextEncoder({ modelId: encoderId });
  if (enc.dim !== dim)
    throw new Error(`text encoder ${encoderId} gives ${enc.dim}-d, the checkpoint expects ${dim}-d`);
  return enc.embed(normalizePrompt(prompt));
}

await initBackend();
const gen = await loadGenerator(values.checkpoint);
const { config, textEncoderId, step } = gen.checkpoint.state;
const count = Number(values.count);
const one = await embedPrompt(textEncoderId, config.embDim, values.prompt);
const embeddings = new Float32Array(count * config.embDim);
for (let i = 0; i < count; i++) embeddings.set(one, i * config.embDim);
const t0 = performance.now();
const out = gen.generate({
  embeddings,
  seed: Number(values.seed),
  truncation: values.truncation ? Number(values.truncation) : undefined,
});
const ms = performance.now() - t0;
const size = out.images256 ? 256 : 64;
await writeImageGrid(values.out, out.images256 ?? out.images64, size, 1, count, [values.prompt]);
console.error(
  `${count} images (${size} px) from ${config.preset} step ${step} in ${ms.toFixed(0)} ms → ${values.out}`,
);
gen.dispose();
