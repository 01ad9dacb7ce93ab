export * from "./dataset-format";
export * from "./synthetic-shapes";
