/**
 * Sum and Mean over the leading axes on the wasm backend (batch-norm statistics, bias and batch-norm
 * gradients: every [B,H,W,C] → [C] reduction of a training step). The wasm kernels first transpose the
 * whole tensor so the reduced axes are innermost, then reduce: ~17 ns per element. Reading the rows in
 * place and adding them into float64 accumulators is several times faster and more accurate. Any other
 * reduction goes to the original kernels.
 */
import * as tf from "@tensorflow/tfjs";

type Info = tf.TensorInfo;
// biome-ignore lint/suspicious/noExplicitAny: the wasm backend class is not exported with types we can import
type WasmBackend = any;
type Args = {
  inputs: { x: Info };
  backend: WasmBackend;
  attrs: { axis: number | number[]; keepDims: boolean };
};

const BACKEND = "wasm";

/** rows × cols view of x when `axis` is exactly its leading axes [0 .. k−1] with k < rank, else null */
function leadingSplit(x: Info, axis: number | number[]): { rows: number; cols: number; k: number } | null {
  if (x.dtype !== "float32") return null;
  const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
  const k = axes.length;
  if (k === 0 || k >= x.shape.length || axes.some((a, i) => a !== i)) return null;
  const rows = x.shape.slice(0, k).reduce((a, b) => a * b, 1);
  const cols = x.shape.slice(k).reduce((a, b) => a * b, 1);
  return rows > 0 && cols > 0 ? { rows, cols, k } : null;
}

function reduceLeading(args: Args, split: { rows: number; cols: number; k: number }, scale: number): Info {
  const { x } = args.inputs;
  const { backend } = args;
  const inner = x.shape.slice(split.k);
  const outShape = args.attrs.keepDims ? [...new Array(split.k).fill(1), ...inner] : inner;
  const out = backend.makeOutput(outShape, "float32");
  // views of the heap taken after makeOutput: growing the heap would detach earlier ones
  const xs = backend.typedArrayFromHeap(x) as Float32Array;
  const acc = new Float64Array(split.cols);
  const { rows, cols } = split;
  // four rows per pass over the accumulators: a quarter of their loads and stores
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const o = r * cols;
    for (let c = 0; c < cols; c++)
      acc[c] += xs[o + c] + xs[o + cols + c] + (xs[o + 2 * cols + c] + xs[o + 3 * cols + c]);
  }
  for (; r < rows; r++) for (let c = 0, o = r * cols; c < cols; c++) acc[c] += xs[o + c];
  const ys = backend.typedArrayFromHeap(out) as Float32Array;
  for (let c = 0; c < cols; c++) ys[c] = acc[c] * scale;
  return out;
}

/** Registers the leading-axes Sum and Mean on the wasm backend; safe to call more than once. */
export function registerWasmReduceKernels(): void {
  for (const [name, isMean] of [
    ["Sum", false],
    ["Mean", true],
  ] as const) {
    const current = tf.getKernel(name, BACKEND);
    if (!current) throw new Error("wasm backend is not loaded: import @tensorflow/tfjs-backend-wasm first");
    if ((current.kernelFunc as { leadingAxes?: boolean }).leadingAxes) continue;
    const original = current.kernelFunc;
    const kernelFunc = Object.assign(
      (args: Args): Info => {
        const split = leadingSplit(args.inputs.x, args.attrs.axis);
        if (!split) return original(args as never) as Info;
        return reduceLeading(args, split, isMean ? 1 / split.rows : 1);
      },
      { leadingAxes: true },
    );
    tf.unregisterKernel(name, BACKEND);
    tf.registerKernel({
      kernelName: name,
      backendName: BACKEND,
      setupFunc: current.setupFunc,
      kernelFunc: kernelFunc as unknown as tf.KernelFunc,
    });
  }
}
