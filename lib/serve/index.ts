/** Serving: load a model version once, keep it warm, batch concurrent requests, render PNGs with recipes. */
export { type BatchJob, MicroBatcher } from "./batcher";
export type { EngineInfo, GeneratorEngine, Stage1Item, Stage1Output, Stage2Input } from "./engine";
export { loadOnnxEngine, type OnnxEngineOptions, onnxSessionOptions } from "./engine-onnx";
export {
  loadOnnxWorkerEngine,
  type OnnxWorkerEngine,
  type OnnxWorkerEngineOptions,
} from "./engine-onnx-worker";
export { loadTfjsEngine } from "./engine-tfjs";
export { type GenerationEvent, type GenerationRequest, generationStream } from "./generation";
export {
  findShippedVersions,
  type ModelVersionManifest,
  modelVersionManifestSchema,
  readModelVersionManifest,
} from "./model-version-folder";
export { imageNoise, variationNoise } from "./noise";
export type { GraphOptions as OnnxGraphOptions } from "./onnx/generator-graphs";
export {
  exportGeneratorsOnnx,
  exportModelVersionOnnx,
  type ModelVersionFolderOptions,
  type OnnxExportResult,
  writeModelVersionFolder,
} from "./onnx-export";
export { OnnxThread, onnxWorkerFile } from "./onnx-thread";
export { embedRecipe, formatParameters, type Recipe, readRecipe, readTextChunks } from "./png-recipe";
export {
  type EngineLoader,
  loadEngine,
  registerEngineLoader,
  type ServedVersion,
  type WarmModel,
  warmModel,
} from "./registry";

// registers the ONNX engine ahead of the tfjs fallback in loadEngine
import "./register-onnx";

export { prepareShippedVersions } from "./prepare-shipped";
export { renderPng } from "./render";
