import { type OnnxGraphBuilder, OnnxType } from "./onnx-graph-builder";
import { findRewrites } from "./tf-graph-rewrites";
import type { TfjsGraphModel, TfNode } from "./tfjs-graph-model";

/**
 * Translates a frozen TensorFlow graph (as tfjs stores it) into ONNX nodes, op by op, so the result computes
 * exactly what the original does. Every TF int32/int64 tensor becomes ONNX int64 (ONNX wants int64 shapes and
 * indices). Only the ops and attribute combinations that appear in USE-Lite are supported; anything else throws,
 * naming the op, so a different graph fails loudly instead of converting wrongly.
 */

const TF_FLOAT = 1;
const TF_INT32 = 3;
const TF_INT64 = 9;
const TF_BOOL = 10;

function onnxTypeOf(tfType: number): number {
  if (tfType === TF_FLOAT) return OnnxType.FLOAT;
  if (tfType === TF_INT32 || tfType === TF_INT64) return OnnxType.INT64;
  if (tfType === TF_BOOL) return OnnxType.BOOL;
  throw new Error(`unsupported TF dtype ${tfType}`);
}

const I64_MAX = 2 ** 62; // ONNX Slice clamps; any value past the end works and stays a safe JS integer.

/** ONNX name of a TF tensor reference ("node", "node:1"). */
function tensorName(ref: string): string {
  const [node, idx] = ref.split(":");
  return idx === undefined || idx === "0" ? node : `${node}:${idx}`;
}

function nodeOf(ref: string): string {
  return ref.replace(/^\^/, "").split(":")[0];
}

export interface TfToOnnxOptions {
  /** TF placeholder name → ONNX tensor already produced in `builder` (e.g. by a prelude). */
  inputs: Record<string, string>;
  /** TF tensor ref → ONNX output name. */
  outputs: Record<string, string>;
  /** Apply the exact simplifications of tf-graph-rewrites.ts (default true). */
  simplify?: boolean;
}

export function translateTfGraph(model: TfjsGraphModel, b: OnnxGraphBuilder, opts: TfToOnnxOptions): void {
  const rewrites = opts.simplify === false ? new Map<string, TfNode>() : findRewrites(model);
  const byName = new Map(model.nodes.map((n) => [n.name, rewrites.get(n.name) ?? n]));
  const constValues = (ref: string): number[] => {
    const w = model.weights.get(nodeOf(ref));
    if (!w) throw new Error(`expected a constant for ${ref}`);
    return Array.from(w.data);
  };
  const attrInt = (n: TfNode, k: string): number => Number(n.attr?.[k]?.i ?? 0);
  const attrBool = (n: TfNode, k: string): boolean => Boolean(n.attr?.[k]?.b);
  const attrInts = (n: TfNode, k: string): number[] => (n.attr?.[k]?.list?.i ?? []).map(Number);
  const attrType = (n: TfNode, k: string): number => Number(n.attr?.[k]?.type ?? TF_FLOAT);

  // Depth-first topological order from the requested outputs (GraphDef order is not guaranteed topological).
  const order: TfNode[] = [];
  const state = new Map<string, 1 | 2>();
  const visit = (name: string) => {
    if (state.get(name) === 2) return;
    if (state.get(name) === 1) throw new Error(`cycle at ${name}`);
    const n = byName.get(name);
    if (!n) throw new Error(`graph has no node ${name}`);
    state.set(name, 1);
    for (const r of n.input ?? []) visit(nodeOf(r));
    state.set(name, 2);
    order.push(n);
  };
  for (const ref of Object.keys(opts.outputs)) visit(nodeOf(ref));

  const finalName = new Map(Object.entries(opts.outputs).map(([ref, o]) => [tensorName(ref), o]));
  // The ONNX tensor for a TF input ref; constants become initializers on first use.
  const inp = (ref: string): string => {
    const n = byName.get(nodeOf(ref));
    if (n?.op === "Placeholder") {
      const mapped = opts.inputs[n.name];
      if (!mapped) throw new Error(`no ONNX input given for placeholder ${n.name}`);
      return mapped;
    }
    if (n?.op === "Const") {
      const w = model.weights.get(n.name);
      if (!w) throw new Error(`constant ${n.name} has no weight`);
      if (w.dtype === "float32") return b.addFloat(n.name, w.data as Float32Array, w.shape);
      return b.addInt64(n.name, w.data, w.shape);
    }
    const t = tensorName(ref);
    return finalName.get(t) ?? t;
  };
  const out = (n: TfNode, k = 0): string => {
    const t = k === 0 ? n.name : `${n.name}:${k}`;
    return finalName.get(t) ?? t;
  };
  const one = (op: string, n: TfNode, inputs: string[], attrs = {}) => b.node(op, inputs, [out(n)], attrs);
  const axesConst = (values: number[]) => b.addInt64(b.fresh("axes"), values, [values.length]);

  for (const n of order) {
    const ins = (n.input ?? []).filter((r) => !r.startsWith("^"));
    const x = (i: number) => inp(ins[i]);
    switch (n.op) {
      case "Const":
      case "Placeholder":
        break;
      case "GanvasLayerNorm":
        one("LayerNormalization", n, [x(0), x(1), x(2)], {
          axis: -1,
          epsilon: { floatValue: n.attr?.eps.f },
        });
        break;
      case "GanvasReshape":
        one("Reshape", n, [x(0), axesConst(attrInts(n, "shape"))]);
        break;
      case "Add":
      case "BiasAdd":
        one("Add", n, [x(0), x(1)]);
        break;
      case "Sub":
      case "Mul":
      case "Less":
      case "Greater":
      case "Sin":
      case "Cos":
      case "Tanh":
      case "Relu":
      case "Softmax":
        one(
          n.op,
          n,
          ins.map((_, i) => x(i)),
        );
        break;
      case "RealDiv":
        one("Div", n, [x(0), x(1)]);
        break;
      case "Maximum":
        one("Max", n, [x(0), x(1)]);
        break;
      case "Square":
        one("Mul", n, [x(0), x(0)]);
        break;
      case "Rsqrt": {
        const s = b.node("Sqrt", [x(0)], [b.fresh(n.name)])[0];
        one("Reciprocal", n, [s]);
        break;
      }
      case "LogicalNot":
        one("Not", n, [x(0)]);
        break;
      case "Cast":
        one("Cast", n, [x(0)], { to: onnxTypeOf(attrType(n, "DstT")) });
        break;
      case "Shape":
        one("Shape", n, [x(0)]);
        break;
      case "Reshape":
        one("Reshape", n, [x(0), x(1)]);
        break;
      case "ExpandDims":
        one("Unsqueeze", n, [x(0), axesConst(constValues(ins[1]))]);
        break;
      case "Squeeze":
        one("Squeeze", n, [x(0), axesConst(attrInts(n, "squeeze_dims"))]);
        break;
      case "Transpose":
        one("Transpose", n, [x(0)], { perm: constValues(ins[1]) });
        break;
      case "ConcatV2": {
        const axis = constValues(ins[ins.length - 1])[0];
        one(
          "Concat",
          n,
          ins.slice(0, -1).map((_, i) => x(i)),
          { axis },
        );
        break;
      }
      case "Pack": {
        const axis = attrInt(n, "axis");
        const parts = ins.map((_, i) => b.node("Unsqueeze", [x(i), axesConst([axis])], [b.fresh(n.name)])[0]);
        one("Concat", n, parts, { axis });
        break;
      }
      case "GatherV2":
        if (attrInt(n, "batch_dims") !== 0)
          throw new Error(`${n.name}: GatherV2 batch_dims is not supported`);
        one("Gather", n, [x(0), x(1)], { axis: constValues(ins[2])[0] });
        break;
      case "GatherNd":
        one("GatherND", n, [x(0), x(1)]);
        break;
      case "Mean":
      case "Max":
      case "Prod": {
        const op = { Mean: "ReduceMean", Max: "ReduceMax", Prod: "ReduceProd" }[n.op];
        one(op, n, [x(0)], { axes: constValues(ins[1]), keepdims: attrBool(n, "keep_dims") ? 1 : 0 });
        break;
      }
      case "Sum":
        one("ReduceSum", n, [x(0), axesConst(constValues(ins[1]))], {
          keepdims: attrBool(n, "keep_dims") ? 1 : 0,
        });
        break;
      case "MatMul": {
        if (attrBool(n, "transpose_a") || attrBool(n, "transpose_b"))
          throw new Error(`${n.name}: transposed MatMul`);
        one("MatMul", n, [x(0), x(1)]);
        break;
      }
      case "BatchMatMul":
      case "BatchMatMulV2": {
        // Attention operands are rank 4 [B, heads, T, d]: adj swaps the last two axes.
        const adj = (i: number, flag: string) =>
          attrBool(n, flag)
            ? b.node("Transpose", [x(i)], [b.fresh(n.name)], { perm: [0, 1, 3, 2] })[0]
            : x(i);
        one("MatMul", n, [adj(0, "adj_x"), adj(1, "adj_y")]);
        break;
      }
      case "Conv2D": {
        // A 1×1, stride-1 NHWC convolution is a matmul over the channel axis: kernel [1, 1, Cin, Cout] → [Cin, Cout].
        const w = model.weights.get(nodeOf(ins[1]));
        const strides = attrInts(n, "strides");
        if (!w) throw new Error(`${n.name}: Conv2D kernel must be a constant`);
        if (w.shape[0] !== 1 || w.shape[1] !== 1 || strides.some((s) => s !== 1)) {
          throw new Error(`${n.name}: only 1x1 stride-1 Conv2D is supported`);
        }
        const kernel = b.addFloat(`${nodeOf(ins[1])}/as_matmul`, w.data as Float32Array, [
          w.shape[2],
          w.shape[3],
        ]);
        one("MatMul", n, [x(0), kernel]);
        break;
      }
      case "SplitV": {
        const sizes = constValues(ins[1]);
        const axis = constValues(ins[2])[0];
        const outs = sizes.map((_, k) => out(n, k));
        b.node("Split", [x(0), b.addInt64(b.fresh("split"), sizes, [sizes.length])], outs, { axis });
        break;
      }
      case "StridedSlice":
        stridedSlice(n, ins);
        break;
      case "Slice": {
        const begin = constValues(ins[1]);
        const size = constValues(ins[2]);
        const end = begin.map((s, i) => (size[i] === -1 ? I64_MAX : s + size[i]));
        one("Slice", n, [x(0), axesConst(begin), axesConst(end)]);
        break;
      }
      case "Where": {
        if (ins.length !== 1) throw new Error(`${n.name}: only the one-argument Where is supported`);
        const nz = b.node("NonZero", [x(0)], [b.fresh(n.name)])[0]; // [rank, N]
        one("Transpose", n, [nz], { perm: [1, 0] }); // [N, rank] like tf.where
        break;
      }
      case "Range":
        one("Range", n, [x(0), x(1), x(2)]);
        break;
      case "ScatterNd": {
        // TF ScatterNd(indices, updates, shape) scatters onto zeros; indices here are unique, so no accumulation.
        const zero = b.node("ConstantOfShape", [x(2)], [b.fresh(n.name)])[0]; // float zeros
        const typed = b.node("Cast", [zero], [b.fresh(n.name)], { to: onnxTypeOf(attrType(n, "T")) })[0];
        one("ScatterND", n, [typed, x(0), x(1)]);
        break;
      }
      case "SparseToDense": {
        // (indices [N, rank], output_shape, values [N], default) → dense tensor filled with default.
        const filled = b.node("Expand", [x(3), x(1)], [b.fresh(n.name)])[0];
        one("ScatterND", n, [filled, x(0), x(2)]);
        break;
      }
      default:
        throw new Error(`TF op ${n.op} (${n.name}) has no ONNX translation`);
    }
  }

  function stridedSlice(n: TfNode, ins: string[]): void {
    for (const m of ["ellipsis_mask", "new_axis_mask"]) {
      if (attrInt(n, m) !== 0) throw new Error(`${n.name}: StridedSlice ${m} is not supported`);
    }
    const begin = constValues(ins[1]);
    const end = constValues(ins[2]);
    const strides = constValues(ins[3]);
    const beginMask = attrInt(n, "begin_mask");
    const endMask = attrInt(n, "end_mask");
    const shrinkMask = attrInt(n, "shrink_axis_mask");
    const starts: number[] = [];
    const ends: number[] = [];
    const shrink: number[] = [];
    for (let i = 0; i < begin.length; i++) {
      if (strides[i] !== 1) throw new Error(`${n.name}: StridedSlice stride ${strides[i]} is not supported`);
      const bit = 1 << i;
      const s = beginMask & bit ? 0 : begin[i];
      let e = endMask & bit ? I64_MAX : end[i];
      if (shrinkMask & bit) {
        shrink.push(i);
        e = s === -1 ? I64_MAX : s + 1;
      }
      starts.push(s);
      ends.push(e);
    }
    const axes = begin.map((_, i) => i);
    const sliceArgs = [inp(ins[0]), axesConst(starts), axesConst(ends), axesConst(axes)];
    if (shrink.length === 0) {
      b.node("Slice", sliceArgs, [out(n)]);
      return;
    }
    const sliced = b.node("Slice", sliceArgs, [b.fresh(n.name)])[0];
    b.node("Squeeze", [sliced, axesConst(shrink)], [out(n)]);
  }
}
