/**
 * [-1, 1] floats → uint8, rounding like the trainer's sample grids. Plain JavaScript so the ONNX worker thread
 * (onnx-worker.mjs, not bundled) and the engines share one implementation: images are bit-identical wherever
 * the conversion runs. Types: rgb8.d.mts.
 */
export function toRgb8(x) {
  const out = new Uint8Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = Math.round((x[i] + 1) * 127.5);
    out[i] = Math.min(255, Math.max(0, v));
  }
  return out;
}
