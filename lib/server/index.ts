/** The server-only layer: database, data access (with authorisation), auth, storage, rate limits, HTTP wrapper. */
import "server-only";

export { createUserDirect, needsSetup, setupAdmin, signIn, signOut, signUp } from "./auth/accounts";
export { auth } from "./auth/auth";
export { pageAdmin, pageViewer } from "./auth/page-guard";
export {
  credentialsSchema,
  placeholderEmail,
  type Role,
  roleSchema,
  signInSchema,
  USERNAME_MAX,
  USERNAME_MIN,
} from "./auth/rules";
export { currentViewer, requireAdmin, requireViewer, type Viewer, viewerFromHeaders } from "./auth/session";
export {
  type DatasetSummary,
  datasetNameSchema,
  datasetSheet,
  deleteDataset,
  getDataset,
  type ImportSpec,
  listDatasets,
  queueDatasetImport,
  registerDatasetFolders,
} from "./dal/datasets";
export {
  type CheckpointView,
  type EvalNetsInfo,
  evalNetsDirFor,
  evalNetsInfo,
  requestCheckpointEval,
  requestEvalNets,
  runCheckpointsView,
} from "./dal/eval-nets";
export {
  createImage,
  deleteImage,
  ftsQuery,
  getImage,
  getImageByShareId,
  getImagePng,
  type ImageQuery,
  type ImageSummary,
  listImageModelVersions,
  listImages,
  type NewImage,
  pruneHistory,
  updateImage,
  type Visibility,
} from "./dal/images";
export {
  activateModelVersion,
  activeModelVersion,
  ensureShippedVersions,
  listModelVersions,
  type ModelVersionSummary,
  SHIPPED_MODELS_DIR,
  versionDir,
} from "./dal/model-versions";
export { promoteCheckpoint, promoteSchema } from "./dal/promote";
export {
  type CheckpointOnDisk,
  latestSample,
  listCheckpointsOnDisk,
  type ProgressChunk,
  readProgress,
} from "./dal/run-files";
export {
  CONSOLE_PRESETS,
  checkpointRows,
  controlRun,
  createRun,
  deleteRun,
  getRun,
  listRuns,
  type NewRun,
  newRunSchema,
  type RunStatus,
  type RunSummary,
  runDirAbs,
} from "./dal/runs";
export { listUsers, setUserDisabled, setUserRole, type UserSummary } from "./dal/users";
export { db, openDb, tables } from "./db";
export { type GenerateRequestBody, generateRequestSchema } from "./generate-request";
export { generateForViewer } from "./generate-service";
export { baseUrl } from "./http/base-url";
export {
  firstValues,
  type ImageListQuery,
  imageListQuerySchema,
  PAGE_SIZE,
  toImageQuery,
} from "./http/image-query";
export { fileNameFor, pngResponse } from "./http/png-response";
export { clientIp, route } from "./http/route";
export { jsonWithCookies } from "./http/with-cookies";
export { RateLimiter, rateLimiter } from "./rate-limit";
export { servingModel, textEncoder } from "./serving";
export { DiskStorage, type Storage, storage } from "./storage";
export { livingWorker, pidAlive } from "./worker/lock";
export { ensureWorker } from "./worker/spawn";
export { runWorker } from "./worker/worker";
