export * from "./dataset-format";
