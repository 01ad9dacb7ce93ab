export * from "./backend";
export {
  BATCH_NORM_ACT,
  type BatchNormActivation,
  batchNormAct,
  nativeBatchNormReady,
  useNativeBatchNorm,
} from "./native-batch-norm";
export { loadNativeConv, NATIVE_CONV_FILE, type NativeConv, useNativeConv } from "./native-conv-kernels";
export { registerWasmGradKernels } from "./wasm-grad-kernels";
export { registerWasmIdentityKernel } from "./wasm-identity-kernel";
export { registerWasmReduceKernels } from "./wasm-reduce-kernels";
