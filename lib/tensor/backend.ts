/**
 * The one place a TensorFlow.js backend is chosen. Order: tfjs-node-gpu, tfjs-node (optional native
 * packages: present only where their libtensorflow download worked), wasm (SIMD; one thread in Node),
 * then the pure-JS cpu backend. GANVAS_TF_BACKEND = "tensorflow-gpu" | "tensorflow" | "wasm" | "cpu" forces one.
 */
import * as tf from "@tensorflow/tfjs";
import { config } from "../config";
import { nativeBatchNormReady, registerNativeBatchNorm } from "./native-batch-norm";
import { loadNativeConv, registerNativeConvKernels } from "./native-conv-kernels";
import { registerWasmGradKernels } from "./wasm-grad-kernels";
import { registerWasmIdentityKernel } from "./wasm-identity-kernel";
import { registerWasmReduceKernels } from "./wasm-reduce-kernels";

export type BackendChoice = "tensorflow-gpu" | "tensorflow" | "wasm" | "cpu";
export const BACKEND_CHOICES: readonly BackendChoice[] = ["tensorflow-gpu", "tensorflow", "wasm", "cpu"];

export interface BackendInfo {
  /** what was asked for */
  choice: BackendChoice;
  /** tfjs backend name actually active ("tensorflow", "wasm", "cpu") */
  name: string;
  threads: number;
  simd: boolean;
  /** one line for logs, e.g. "wasm (SIMD, 1 thread)" */
  description: string;
  /** the native library running the wasm backend's convolutions (e.g. "oneDNN 2.6.3"), or null */
  nativeConv: string | null;
}

let active: BackendInfo | null = null;

/** Import a module by a computed name so the type checker does not require optional packages to exist. */
async function importOptional(name: string): Promise<boolean> {
  try {
    await import(/* @vite-ignore */ name);
    return true;
  } catch {
    return false;
  }
}

async function tryChoice(choice: BackendChoice, log: (line: string) => void): Promise<BackendInfo | null> {
  if (choice === "tensorflow-gpu" || choice === "tensorflow") {
    const pkg = choice === "tensorflow-gpu" ? "@tensorflow/tfjs-node-gpu" : "@tensorflow/tfjs-node";
    if (!(await importOptional(pkg))) return null;
    if (!(await tf.setBackend("tensorflow"))) return null;
    return {
      choice,
      name: "tensorflow",
      threads: 0,
      simd: true,
      description: `${pkg} (native libtensorflow)`,
      nativeConv: null,
    };
  }
  if (choice === "wasm") {
    // a regular dependency: imported by its literal name so bundlers (Next.js) keep it resolvable
    try {
      await import("@tensorflow/tfjs-backend-wasm");
    } catch {
      return null;
    }
    if (!(await tf.setBackend("wasm"))) return null;
    await tf.ready();
    registerWasmGradKernels();
    registerWasmReduceKernels();
    registerWasmIdentityKernel();
    const simd = Boolean(await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT"));
    // WASM_HAS_MULTITHREAD_SUPPORT is hard-wired off in Node: one backend uses one core
    const threads = (await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT")) ? 2 : 1;
    const native = config().nativeConv ? loadNativeConv(log) : null;
    if (native) {
      registerNativeConvKernels(native);
      if (config().nativeBatchNorm) registerNativeBatchNorm(native);
    }
    const nativeConv = native ? native.version() : null;
    return {
      choice,
      name: "wasm",
      threads,
      simd,
      description: `wasm (${simd ? "SIMD" : "no SIMD"}, ${threads} thread${threads > 1 ? "s" : ""})${nativeConv ? ` + ${nativeConv} convolutions${nativeBatchNormReady() ? ", fused batch norm" : ""}` : ""}`,
      nativeConv,
    };
  }
  if (!(await tf.setBackend("cpu"))) return null;
  return {
    choice,
    name: "cpu",
    threads: 1,
    simd: false,
    description: "cpu (pure JS, 1 thread)",
    nativeConv: null,
  };
}

/**
 * Select and initialise the backend once per process (later calls return the same answer unless `force`
 * names a different one). Logs the choice through `log` (default: console.error).
 */
export async function initBackend(
  opts: { force?: BackendChoice; log?: (line: string) => void } = {},
): Promise<BackendInfo> {
  const env = config().tfBackend;
  const forced = opts.force ?? (env ? env : undefined);
  if (forced && !BACKEND_CHOICES.includes(forced))
    throw new Error(`GANVAS_TF_BACKEND=${forced} is not one of ${BACKEND_CHOICES.join(", ")}`);
  if (active && (!forced || forced === active.choice)) return active;
  const order = forced ? [forced] : BACKEND_CHOICES;
  const log = opts.log ?? ((l: string) => console.error(l));
  for (const choice of order) {
    const info = await tryChoice(choice, log);
    if (info) {
      active = info;
      log(`[ganvas] tfjs backend: ${info.description}`);
      return info;
    }
  }
  throw new Error(`No usable TensorFlow.js backend (tried ${order.join(", ")}).`);
}

export function activeBackend(): BackendInfo | null {
  return active;
}
