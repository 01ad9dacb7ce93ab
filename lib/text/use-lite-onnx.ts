import { OnnxGraphBuilder, OnnxType } from "./onnx-graph-builder";
import { translateTfGraph } from "./tf-to-onnx";
import type { TfjsGraphModel } from "./tfjs-graph-model";
import { USE_LITE_DIM } from "./use-lite-constants";

/** TF tensors of the USE-Lite graph that become the ONNX outputs. */
const SENTENCE_TF = "module_apply_default/Encoder_en/hidden_layers/l2_normalize";
const HIDDEN_TF =
  "module_apply_default/Encoder_en/KonaTransformer/Encode/TransformerStack/Layer_1/TransformerLayer/FFN/layer_postprocess/add";

/**
 * Builds the ONNX model for USE-Lite with the standard transformers.js inputs.
 *   inputs:  input_ids [batch, sequence] int64, attention_mask [batch, sequence] int64 (1 = token, right padded)
 *   outputs: sentence_embedding [batch, 512] (L2-normalised inside the graph, as in the original),
 *            last_hidden_state [batch, tokens, 512] (per-token output of the last transformer layer; tokens =
 *            min(longest row, 128); padded positions hold values that must be masked out by the caller).
 * The original takes a sparse batch (indices [N, 2] = (row, position), values [N] = token ids); a two-node
 * prelude rebuilds exactly that from the dense inputs, so everything after it is the original graph.
 */
export function buildUseLiteOnnx(
  model: TfjsGraphModel,
  docString: string,
  opts: { simplify?: boolean } = {},
): Uint8Array {
  const b = new OnnxGraphBuilder();
  const nz = b.node("NonZero", ["attention_mask"], ["prelude/nonzero"])[0]; // [2, N]
  const indices = b.node("Transpose", [nz], ["prelude/indices"], { perm: [1, 0] })[0]; // [N, 2] (row, position)
  const values = b.node("GatherND", ["input_ids", indices], ["prelude/values"])[0]; // [N] token ids
  translateTfGraph(model, b, {
    inputs: { indices, values },
    outputs: { [SENTENCE_TF]: "sentence_embedding", [HIDDEN_TF]: "last_hidden_state" },
    simplify: opts.simplify,
  });
  return b.build(
    "use_lite",
    [
      { name: "input_ids", elemType: OnnxType.INT64, dims: ["batch", "sequence"] },
      { name: "attention_mask", elemType: OnnxType.INT64, dims: ["batch", "sequence"] },
    ],
    [
      { name: "sentence_embedding", elemType: OnnxType.FLOAT, dims: ["batch", USE_LITE_DIM] },
      { name: "last_hidden_state", elemType: OnnxType.FLOAT, dims: ["batch", "tokens", USE_LITE_DIM] },
    ],
    docString,
  );
}
