export * from "./backend";
export { registerWasmGradKernels } from "./wasm-grad-kernels";
