export * from "./adam";
export * from "./batcher";
export * from "./checkpoint-writer";
export * from "./progress-bar";
export * from "./run-folder";
export * from "./sample-grid";
export * from "./steps";
export * from "./trainer";
