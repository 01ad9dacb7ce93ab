export * from "./backend";
export { registerWasmGradKernels } from "./wasm-grad-kernels";
export { registerWasmReduceKernels } from "./wasm-reduce-kernels";
