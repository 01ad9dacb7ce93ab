/**
 * A loaded generator that serving runs: Stage-I and Stage-II as separate calls so a 64 px preview can be sent
 * before its 256 px final exists. Implementations: ONNX Runtime (fast path) and TensorFlow.js (fallback).
 */
export interface EngineInfo {
  kind: "onnx" | "tfjs";
  embDim: number;
  zDim: number;
  cDim: number;
  hasStage2: boolean;
  textEncoderId: string;
}

/** One image's input to Stage-II: the Stage-I image in [-1, 1] and the conditioning inputs. */
export interface Stage2Input {
  image64: Float32Array; // [64, 64, 3]
  emb: Float32Array; // [embDim]
  eps: Float32Array; // [cDim]
}

export interface Stage1Item {
  emb: Float32Array; // [embDim]
  z: Float32Array; // [zDim]
  eps: Float32Array; // [cDim]
}

export interface Stage1Output {
  rgb64: Uint8Array; // [64, 64, 3]
  next: Stage2Input;
}

export interface GeneratorEngine {
  readonly info: EngineInfo;
  stage1(items: Stage1Item[]): Promise<Stage1Output[]>;
  /** [256, 256, 3] uint8 per item; only when info.hasStage2 */
  stage2(items: Stage2Input[]): Promise<Uint8Array[]>;
  dispose(): Promise<void>;
}

/** [-1, 1] floats → uint8 (shared with the ONNX worker thread, hence plain JavaScript) */
export { toRgb8 } from "./rgb8.mjs";

export function concatRows(rows: Float32Array[], width: number): Float32Array {
  const out = new Float32Array(rows.length * width);
  rows.forEach((r, i) => {
    out.set(r, i * width);
  });
  return out;
}
