import path from "node:path";
import { describe, expect, it } from "vitest";
import { presetConfig } from "@/lib/gan";
import { initBackend } from "@/lib/tensor";
import { type ProgressEvent, train } from "@/lib/train";
import { shapesDataset, tmpDir } from "./helpers";

/** Same seed, same data: the loss curve of the fast path must follow the cpu backend's. */
describe("fast path vs cpu backend", () => {
  it("wasm (1 and 2 data-parallel shards) follows the cpu backend's loss curve", {
    timeout: 240_000,
  }, async () => {
    const dataset = await shapesDataset({ count: 32 });
    const curve = async (backend: "cpu" | "wasm", workers: number, batchSize: number, steps: number) => {
      const config = presetConfig("tiny", {
        train: { batchSize, logEvery: 1, sampleEvery: 1000, checkpointEvery: 1000 },
      });
      await initBackend({ force: backend, log: () => {} });
      const d: number[] = [];
      const g: number[] = [];
      await train({
        runDir: path.join(tmpDir("fast"), `${backend}-${workers}`),
        datasetDir: dataset,
        config,
        maxSteps: steps,
        workers,
        backend,
        log: () => {},
        onEvent: (e: ProgressEvent) => {
          if (e.type === "step") {
            d.push(e.losses.d);
            g.push(e.losses.g);
          }
        },
      });
      return { d, g };
    };
    const maxDiff = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));
    // the pure-JS cpu backend is slow: a short curve at batch 4
    const cpu = await curve("cpu", 1, 4, 2);
    const wasm4 = await curve("wasm", 1, 4, 2);
    expect(wasm4.d).toHaveLength(2);
    // same maths, other kernels: the first D loss (before any update) agrees to float rounding; Adam then
    // amplifies rounding differences of near-zero gradients a little, so later steps agree to ~1e-2
    expect(Math.abs(wasm4.d[0] - cpu.d[0])).toBeLessThan(1e-4);
    expect(maxDiff(wasm4.d, cpu.d)).toBeLessThan(3e-2);
    expect(maxDiff(wasm4.g, cpu.g)).toBeLessThan(3e-2);
    // data-parallel over 2 workers: batchnorm statistics are per shard, so close but not equal
    const wasm = await curve("wasm", 1, 8, 4);
    const parallel = await curve("wasm", 2, 8, 4);
    expect(parallel.d).toHaveLength(4);
    expect(maxDiff(parallel.d, wasm.d)).toBeLessThan(0.35);
    expect(maxDiff(parallel.g, wasm.g)).toBeLessThan(0.8);
  });
});
