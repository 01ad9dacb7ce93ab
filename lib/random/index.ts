/**
 * Seeded randomness shared by every lib folder (no tfjs: lib/data and lib/eval use it without loading a backend).
 */
export * from "./rng";
