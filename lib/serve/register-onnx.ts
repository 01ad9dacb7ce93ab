/**
 * Puts the ONNX engine ahead of the TensorFlow.js fallback in loadEngine (imported for its effect by index.ts,
 * evaluated once with the registry module). Served versions run in a worker thread (engine-onnx-worker.ts).
 * A folder without onnx/stage1.onnx, or whose export fails to load, is served by tfjs from its checkpoint.
 */
import { loadOnnxWorkerEngine } from "./engine-onnx-worker";
import { registerEngineLoader } from "./registry";

registerEngineLoader(async (dir) => {
  try {
    return await loadOnnxWorkerEngine(dir);
  } catch (err) {
    console.error(
      `[ganvas] ONNX engine failed for ${dir}, falling back to TensorFlow.js: ${(err as Error).message}`,
    );
    return null;
  }
});
