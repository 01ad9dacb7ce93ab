import { promises as fs } from "node:fs";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { CorruptCheckpointError, GanModel, loadCheckpoint, presetConfig } from "@/lib/gan";
import { initBackend } from "@/lib/tensor";
import { Adam, type ProgressEvent, RunFolder, saveCheckpoint, train } from "@/lib/train";
import { shapesDataset, tmpDir } from "./helpers";

/**
 * Faults around checkpoints, on the trainer alone: a corrupt latest checkpoint (resume falls back to the newest
 * intact one, bit-exact, with a warning), no intact checkpoint (a clear CorruptCheckpointError, nothing touched),
 * and a disk that fills up while a checkpoint is written (no temporary folder left, the previous one still latest).
 */
const quiet = { log: () => {} };
const tiny = () =>
  presetConfig("tiny", { train: { batchSize: 4, logEvery: 1, sampleEvery: 1000, checkpointEvery: 2 } });

async function flipByte(file: string): Promise<void> {
  const bytes = await fs.readFile(file);
  bytes[Math.floor(bytes.length / 2)] ^= 0x10;
  await fs.writeFile(file, bytes);
}

const ls = (dir: string) => fs.readdir(dir).then((n) => n.sort());

describe("checkpoint faults", () => {
  let dataset: string;
  beforeAll(async () => {
    await initBackend({ force: "wasm", log: () => {} });
    dataset = await shapesDataset({ count: 24 });
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("a corrupt latest checkpoint: resume falls back to the previous one with a warning, bit-exact", async () => {
    const runDir = path.join(tmpDir("run"), "a");
    await train({ runDir, datasetDir: dataset, config: tiny(), maxSteps: 6, ...quiet });
    const ckpts = path.join(runDir, "checkpoints");
    await flipByte(path.join(ckpts, "step-000006", "weights.bin"));

    const events: ProgressEvent[] = [];
    const lines: string[] = [];
    const res = await train({
      runDir,
      datasetDir: dataset,
      resume: true,
      maxSteps: 8,
      log: (l) => lines.push(l),
      onEvent: (e) => events.push(e),
    });
    expect(res).toMatchObject({ status: "done", step: 8 });
    const warning = events.find((e) => e.type === "warning");
    expect(warning).toMatchObject({ type: "warning", step: 4 });
    expect((warning as { message: string }).message).toMatch(
      /step-000006 \(weights\.bin checksum mismatch\) was corrupt: resumed from step-000004 .*corrupt-step-000006/,
    );
    expect(lines.some((l) => /warning: .*step-000006/.test(l))).toBe(true);
    expect(events.filter((e) => e.type === "step").map((e) => e.step)).toEqual([5, 6, 7, 8]);
    // the damaged folder is kept aside, the run goes on writing step folders as usual
    expect(await ls(ckpts)).toEqual(
      expect.arrayContaining(["corrupt-step-000006", "step-000004", "step-000006", "step-000008"]),
    );
    expect(JSON.parse(await fs.readFile(path.join(ckpts, "latest.json"), "utf8")).step).toBe(8);
    // the warning stays in progress.jsonl
    const logged = (await fs.readFile(path.join(runDir, "progress.jsonl"), "utf8"))
      .split("\n")
      .filter(Boolean);
    expect(logged.map((l) => JSON.parse(l).type)).toContain("warning");

    // continuing from step 4 is exactly what an uninterrupted run does
    const straight = path.join(tmpDir("run"), "b");
    await train({ runDir: straight, datasetDir: dataset, config: tiny(), maxSteps: 8, ...quiet });
    const a = await loadCheckpoint(runDir, { withDiscriminator: true });
    const b = await loadCheckpoint(straight, { withDiscriminator: true });
    for (const [name, v] of a.model.namedTensors())
      expect(Array.from(v.dataSync()), name).toEqual(
        Array.from(b.model.namedTensors().get(name)?.dataSync() ?? []),
      );
    a.model.dispose();
    b.model.dispose();
  });

  it("no intact checkpoint left: a clear CorruptCheckpointError and nothing on disk changes", async () => {
    const runDir = path.join(tmpDir("run"), "c");
    await train({ runDir, datasetDir: dataset, config: tiny(), maxSteps: 4, ...quiet });
    const ckpts = path.join(runDir, "checkpoints");
    await flipByte(path.join(ckpts, "step-000004", "weights.bin"));
    await fs.truncate(path.join(ckpts, "step-000002", "optimizer.bin"), 100);
    const before = await ls(ckpts);
    const err = await train({ runDir, datasetDir: dataset, resume: true, maxSteps: 6, ...quiet }).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(CorruptCheckpointError);
    expect(err.message).toMatch(
      /^checkpoint step-000004 is corrupt \(weights\.bin checksum mismatch\) and no earlier checkpoint is intact \(1 more checked\): start a new run or restore the folder/,
    );
    expect(await ls(ckpts)).toEqual(before);
    expect(JSON.parse(await fs.readFile(path.join(ckpts, "latest.json"), "utf8")).step).toBe(4);
  });

  it("disk full while writing a checkpoint: no temporary folder is left and the previous one stays latest", async () => {
    const c = presetConfig("tiny", { embDim: 32 });
    const m = new GanModel(c, { seed: 3, withDiscriminator: true });
    const opt = {
      g: new Adam(m.trainedG.trainable, 1e-3),
      d: new Adam(m.stores.d?.trainable ?? new Map(), 1e-3),
    };
    const run = new RunFolder(tmpDir("ckpt"));
    await run.init();
    const state = (step: number) => ({
      step,
      epoch: 0,
      config: c,
      architecture: "x",
      rng: { seed: 1, counter: step },
      datasetHash: "abcdefgh",
      textEncoderId: "synthetic-bow",
      lr: { g: 1e-3, d: 1e-3 },
      time: new Date().toISOString(),
    });
    await saveCheckpoint(run, m, opt, state(1));
    const real = fs.writeFile;
    vi.spyOn(fs, "writeFile").mockImplementation(async (file, ...rest) => {
      if (String(file).endsWith("optimizer.bin"))
        throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
      return real(file, ...rest);
    });
    const err = await saveCheckpoint(run, m, opt, state(2)).catch((e) => e);
    expect(err.code).toBe("ENOSPC");
    expect(await ls(run.checkpointsDir)).toEqual(["latest.json", "step-000001"]);
    expect(await run.latest()).toEqual({ step: 1, dir: "step-000001" });
    // and latest.json itself failing to write leaves no temporary file either
    vi.restoreAllMocks();
    vi.spyOn(fs, "writeFile").mockImplementation(async (file, ...rest) => {
      if (String(file).includes("latest.json.tmp"))
        throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
      return real(file, ...rest);
    });
    expect((await saveCheckpoint(run, m, opt, state(3)).catch((e) => e)).code).toBe("ENOSPC");
    expect(await ls(run.checkpointsDir)).toEqual(["latest.json", "step-000001", "step-000003"]);
    expect(await run.latest()).toEqual({ step: 1, dir: "step-000001" });
    m.dispose();
    opt.g.dispose();
    opt.d.dispose();
  });
});
