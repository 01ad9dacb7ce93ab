/**
 * Evaluation: networks Ganvas trains itself (an image encoder + text projection matched DAMSM-style, and a
 * classifier head) and the metrics they give: R-precision, a Fréchet distance on the encoder's features (FID-like),
 * an Inception-like score, always beside the same numbers for real images and for shuffled captions.
 */
export {
  autoEvalNetPreset,
  type BuildEvalNetsOptions,
  buildEvalNets,
  evalUnsupportedReason,
} from "./build-eval-nets";
export { downscale4x, type EncodedImages, encodeImages, encodeTexts, imageBatch } from "./encode";
export {
  EVAL_NET_PRESETS,
  type EvalNetConfig,
  evalNetConfig,
  evalNetConfigSchema,
} from "./eval-net-config";
export {
  defaultEvalDir,
  EVAL_NET_FORMAT_VERSION,
  type EvalNetManifest,
  EvalNetMismatchError,
  evalNetManifestSchema,
  type LoadedEvalNets,
  loadEvalNets,
  resolveEvalNetDir,
  saveEvalNets,
} from "./eval-net-folder";
export { EvalNets } from "./eval-nets";
export { type EvalReport, formatEvalReport } from "./eval-report";
export {
  concatBytes,
  type EvalGenerator,
  type EvalSummary,
  evaluateGenerator,
  generateForRows,
  generatorMismatch,
  openCheckpointGenerator,
  openModelVersionGenerator,
  type SplitRun,
  summariseEval,
} from "./evaluate-model";
export { type ConditionMetrics, evaluateSplit, type SplitContext, type SplitMetrics } from "./evaluate-split";
export { frechetDistance, type GaussianFit, gaussianFit } from "./frechet-distance";
export { type InceptionScore, inceptionScore, softmaxRows } from "./inception-score";
export { type JointPair, jointFeatures, jointFit } from "./joint-frechet";
export { classLoss, sameClassMask, sentenceMatchingLoss } from "./matching-loss";
export { makeRPrecisionTrials, type RPrecisionResult, type RPrecisionTrial, rPrecision } from "./r-precision";
export { type SeedDiversity, seedDiversity } from "./seed-diversity";
export {
  classAvoidingPermutation,
  NEAR_CLASSES,
  type PlanItem,
  planSplit,
  type SplitPlan,
} from "./split-plan";
export { type MeanSd, meanSd, type RunSummary, summariseRuns } from "./summarise-runs";
export { type SymmetricEigen, symmetricEigen, symmetricSqrt } from "./symmetric-eigen";
export {
  classifierClasses,
  type EvalNetLogEntry,
  type TrainEvalNetsOptions,
  type TrainedEvalNets,
  trainEvalNets,
} from "./train-eval-nets";
