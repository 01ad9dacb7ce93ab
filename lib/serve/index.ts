/** Serving: load a model version once, keep it warm, batch concurrent requests, render PNGs with recipes. */
export { type BatchJob, MicroBatcher } from "./batcher";
export type { EngineInfo, GeneratorEngine, Stage1Item, Stage1Output, Stage2Input } from "./engine";
export { loadTfjsEngine } from "./engine-tfjs";
export { type GenerationEvent, type GenerationRequest, generationStream } from "./generation";
export {
  findShippedVersions,
  type ModelVersionManifest,
  modelVersionManifestSchema,
  readModelVersionManifest,
} from "./model-version-folder";
export { imageNoise, variationNoise } from "./noise";
export { embedRecipe, formatParameters, type Recipe, readRecipe, readTextChunks } from "./png-recipe";
export {
  type EngineLoader,
  loadEngine,
  registerEngineLoader,
  type ServedVersion,
  type WarmModel,
  warmModel,
} from "./registry";
export { renderPng } from "./render";
export { registerModelExporter, writeModelVersionFolder } from "./write-model-version";
