export * from "./backend";
export { registerWasmGradKernels } from "./wasm-grad-kernels";
export { registerWasmIdentityKernel } from "./wasm-identity-kernel";
export { registerWasmReduceKernels } from "./wasm-reduce-kernels";
