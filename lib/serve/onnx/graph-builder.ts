/**
 * A small, deterministic ONNX graph builder over `onnx-proto` (opset 17): float/int64 initializers, nodes with
 * int/ints/float/string attributes, and value infos with symbolic dims for the dynamic batch. Same calls ⇒ same
 * bytes (no timestamps, names as given), so an export can be checked by hashing the file.
 */
import onnxProto from "onnx-proto";

const { onnx } = onnxProto;

export const ONNX_OPSET = 17;
const FLOAT = 1;
const INT64 = 7;

type AttrValue = number | number[] | string | { float: number };

export interface TensorInfo {
  name: string;
  /** sizes, or a symbolic name for a dynamic axis ("N") */
  dims: (number | string)[];
}

export class GraphBuilder {
  private readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private readonly names = new Set<string>();
  private counter = 0;

  /** a fresh, unique value name */
  fresh(base: string): string {
    this.counter += 1;
    return `${base}_${this.counter}`;
  }

  float(name: string, data: Float32Array, dims: number[]): string {
    const size = dims.reduce((a, b) => a * b, 1);
    if (size !== data.length)
      throw new Error(`initializer ${name}: ${data.length} values for dims [${dims}]`);
    return this.raw(name, FLOAT, new Uint8Array(data.buffer, data.byteOffset, data.byteLength), dims);
  }

  int64(name: string, values: number[]): string {
    const big = BigInt64Array.from(values.map((v) => BigInt(v)));
    return this.raw(name, INT64, new Uint8Array(big.buffer), [values.length]);
  }

  private raw(name: string, dataType: number, bytes: Uint8Array, dims: number[]): string {
    if (this.names.has(name)) throw new Error(`duplicate initializer ${name}`);
    this.names.add(name);
    // raw_data is little-endian, which is what typed arrays hold on x86 and ARM
    this.initializers.push({ name, dataType, dims, rawData: Buffer.from(bytes) });
    return name;
  }

  /** append a node with one output; returns the output name */
  op(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, output?: string): string {
    const out = output ?? this.fresh(opType.toLowerCase());
    const A = onnx.AttributeProto.AttributeType;
    const attribute: onnxProto.onnx.IAttributeProto[] = Object.entries(attrs).map(([name, v]) => {
      if (typeof v === "number") return { name, type: A.INT, i: v };
      if (typeof v === "string") return { name, type: A.STRING, s: Buffer.from(v) };
      if (Array.isArray(v)) return { name, type: A.INTS, ints: v };
      return { name, type: A.FLOAT, f: v.float };
    });
    this.nodes.push({ opType, input: inputs, output: [out], name: out, attribute });
    return out;
  }

  build(graphName: string, inputs: TensorInfo[], outputs: TensorInfo[], docString: string): Uint8Array {
    const vi = (v: TensorInfo): onnxProto.onnx.IValueInfoProto => ({
      name: v.name,
      type: {
        tensorType: {
          elemType: FLOAT,
          shape: { dim: v.dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) },
        },
      },
    });
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: "ganvas-gan-export",
      producerVersion: "1",
      docString,
      opsetImport: [{ domain: "", version: ONNX_OPSET }],
      graph: {
        name: graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: inputs.map(vi),
        output: outputs.map(vi),
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}
