/** [-1, 1] floats → uint8 (0..255), rounding like the trainer's sample grids; `x` any layout, same length out */
export declare function toRgb8(x: Float32Array): Uint8Array;
