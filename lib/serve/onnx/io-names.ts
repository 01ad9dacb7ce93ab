/** Input and output names of the exported generator graphs (shared by the exporter and the ONNX engine). */
export const STAGE1_IO = { inputs: ["z", "emb", "eps"], output: "image64" } as const;
export const STAGE2_IO = { inputs: ["image64", "emb", "eps"], output: "image256" } as const;
