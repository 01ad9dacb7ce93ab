import onnxProto from "onnx-proto";

const { onnx } = onnxProto;

export const OnnxType = { FLOAT: 1, INT64: 7, BOOL: 9 } as const;
export type OnnxElemType = (typeof OnnxType)[keyof typeof OnnxType];

type AttrValue = number | number[] | string | { floatValue: number };

export interface ValueInfo {
  name: string;
  elemType: OnnxElemType;
  /** Dimension sizes, or symbolic names for dynamic axes ("batch", "sequence"). */
  dims: (number | string)[];
}

/** A small, deterministic builder for an ONNX graph (opset 17: LayerNormalization). Names are kept as given. */
export class OnnxGraphBuilder {
  private readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private readonly initNames = new Set<string>();
  private counter = 0;

  /** A fresh tensor name derived from `base`. */
  fresh(base: string): string {
    this.counter += 1;
    return `${base}__${this.counter}`;
  }

  hasInitializer(name: string): boolean {
    return this.initNames.has(name);
  }

  addFloat(name: string, data: Float32Array, dims: number[]): string {
    const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    return this.addRaw(name, OnnxType.FLOAT, raw, dims);
  }

  addInt64(name: string, values: ArrayLike<number>, dims: number[]): string {
    const big = new BigInt64Array(values.length);
    for (let i = 0; i < values.length; i++) big[i] = BigInt(values[i]);
    return this.addRaw(name, OnnxType.INT64, new Uint8Array(big.buffer), dims);
  }

  private addRaw(name: string, dataType: number, raw: Uint8Array, dims: number[]): string {
    if (this.initNames.has(name)) return name;
    this.initNames.add(name);
    // The ONNX format stores raw_data little-endian, which is what typed arrays give on x86/ARM.
    this.initializers.push({ name, dataType, dims, rawData: Buffer.from(raw) });
    return name;
  }

  /** Appends a node; returns its output names (one fresh name per output unless given). */
  node(opType: string, inputs: string[], outputs: string[], attrs: Record<string, AttrValue> = {}): string[] {
    const attribute: onnxProto.onnx.IAttributeProto[] = [];
    for (const [name, v] of Object.entries(attrs)) {
      const A = onnx.AttributeProto.AttributeType;
      if (typeof v === "number") attribute.push({ name, type: A.INT, i: v });
      else if (typeof v === "string") attribute.push({ name, type: A.STRING, s: Buffer.from(v) });
      else if (Array.isArray(v)) attribute.push({ name, type: A.INTS, ints: v });
      else attribute.push({ name, type: A.FLOAT, f: v.floatValue });
    }
    this.nodes.push({ opType, input: inputs, output: outputs, name: outputs[0], attribute });
    return outputs;
  }

  /** Serialises the model; opset 17 has all the ops the TF translation emits. */
  build(graphName: string, inputs: ValueInfo[], outputs: ValueInfo[], docString: string): Uint8Array {
    const vi = (v: ValueInfo): onnxProto.onnx.IValueInfoProto => ({
      name: v.name,
      type: {
        tensorType: {
          elemType: v.elemType,
          shape: { dim: v.dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) },
        },
      },
    });
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: "ganvas-tfjs-to-onnx",
      producerVersion: "1",
      docString,
      opsetImport: [{ domain: "", version: 17 }],
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
