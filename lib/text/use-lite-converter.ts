import type { PrepareResult } from "./use-lite-model-folder";

/**
 * Lazy entry points to the converter: it pulls in onnx-proto (protobufjs), which serving never needs once the
 * model folder exists, so it is loaded only when called.
 */
export async function prepareUseLiteModel(
  modelsDir: string,
  opts: { force?: boolean } = {},
): Promise<PrepareResult> {
  const m = await import("./use-lite-model-folder");
  return m.prepareUseLiteModel(modelsDir, opts);
}

/** The converter's building blocks (graph reader, ONNX builder), for tests and tools. */
export async function loadUseLiteConverter() {
  const [graph, onnx] = await Promise.all([import("./tfjs-graph-model"), import("./use-lite-onnx")]);
  return { readTfjsGraphModel: graph.readTfjsGraphModel, buildUseLiteOnnx: onnx.buildUseLiteOnnx };
}
