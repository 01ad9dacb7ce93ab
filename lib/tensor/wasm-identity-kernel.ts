/**
 * Identity (tensor.clone()) on the wasm backend without a copy. tfjs saves every tensor a gradient needs by
 * cloning it, so a training step runs ~1,700 Identity kernels; the wasm kernel copies each buffer, while
 * tfjs tensors are immutable and the wasm backend counts references (its Reshape shares the buffer the same
 * way, and so does the cpu backend's Identity).
 */
import * as tf from "@tensorflow/tfjs";

// biome-ignore lint/suspicious/noExplicitAny: the wasm backend class is not exported with types we can import
type WasmBackend = any;

const BACKEND = "wasm";

/** Registers the sharing Identity on the wasm backend; safe to call more than once. */
export function registerWasmIdentityKernel(): void {
  const current = tf.getKernel("Identity", BACKEND);
  if (!current) throw new Error("wasm backend is not loaded: import @tensorflow/tfjs-backend-wasm first");
  if ((current.kernelFunc as { shares?: boolean }).shares) return;
  const original = current.kernelFunc;
  const kernelFunc = Object.assign(
    (args: { inputs: { x: tf.TensorInfo }; backend: WasmBackend }): tf.TensorInfo => {
      const { x } = args.inputs;
      if (x.dtype === "string") return original(args as never) as tf.TensorInfo;
      args.backend.incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
    { shares: true },
  );
  tf.unregisterKernel("Identity", BACKEND);
  tf.registerKernel({ kernelName: "Identity", backendName: BACKEND, kernelFunc: kernelFunc as never });
}
