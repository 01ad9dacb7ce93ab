/**
 * Quick look at a checkpoint:
 *   npm run generate -- --checkpoint RUN_OR_CHECKPOINT_DIR --prompt "a red circle" [--prompt "a blue car" …]
 *                       --count 8 --seed 1 --out grid.png [--truncation 1.5] [--upscale 2]
 * One row per prompt, `count` images each (the same seeds in every row). Prompts are embedded with the text
 * encoder the checkpoint was trained with.
 */
import { createTextEncoder, normalizePrompt } from "@/lib/text";
import { SYNTHETIC_BOW_ID, syntheticBowEmbed } from "../lib/data";
import { concatBytes } from "../lib/eval";
import { loadGenerator } from "../lib/gan";
import { initBackend } from "../lib/tensor";
import { writeImageGrid, zoomTiles } from "../lib/train";
import { parseCli } from "./lib/cli";

const USAGE =
  'usage: npm run generate -- --checkpoint DIR --prompt "..." [--prompt "..."] [--count 8] [--seed 1] [--truncation T] [--upscale 2] [--out grid.png]';

const { values } = parseCli(
  {
    options: {
      checkpoint: { type: "string" },
      prompt: { type: "string", multiple: true },
      count: { type: "string", default: "8" },
      seed: { type: "string", default: "1" },
      truncation: { type: "string" },
      out: { type: "string", default: "grid.png" },
      /** nearest-neighbour zoom of each tile (64 px tiles are small in a README) */
      upscale: { type: "string", default: "1" },
    },
  },
  USAGE,
);
if (!values.checkpoint || !values.prompt?.length) {
  console.error(USAGE);
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
const prompts = values.prompt as string[];
const rows: Uint8Array[] = [];
const t0 = performance.now();
let size = 64;
for (const prompt of prompts) {
  const one = await embedPrompt(textEncoderId, config.embDim, prompt);
  const embeddings = new Float32Array(count * config.embDim);
  for (let i = 0; i < count; i++) embeddings.set(one, i * config.embDim);
  const out = gen.generate({
    embeddings,
    seed: Number(values.seed),
    truncation: values.truncation ? Number(values.truncation) : undefined,
  });
  size = out.images256 ? 256 : 64;
  rows.push(out.images256 ?? out.images64);
}
const ms = performance.now() - t0;
const zoom = Math.max(1, Math.round(Number(values.upscale)));
const tiles = zoomTiles(concatBytes(rows), prompts.length * count, size, zoom);
await writeImageGrid(values.out, tiles, size * zoom, prompts.length, count, prompts);
console.error(
  `${prompts.length} × ${count} images (${size} px) from ${config.preset} step ${step} in ${ms.toFixed(0)} ms → ${values.out}`,
);
