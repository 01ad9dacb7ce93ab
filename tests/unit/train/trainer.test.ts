import { promises as fs } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { syntheticBowEmbed } from "@/lib/data";
import {
  GanModel,
  loadCheckpoint,
  loadGenerator,
  presetConfig,
  readCheckpointState,
  resolveCheckpointDir,
} from "@/lib/gan";
import { initBackend } from "@/lib/tensor";
import {
  Adam,
  BackendAbortedError,
  type ProgressEvent,
  RunFolder,
  restoreCheckpoint,
  saveCheckpoint,
  train,
} from "@/lib/train";
import { shapesDataset, tmpDir } from "./helpers";

const quiet = { log: () => {} };
const tiny = (over: Record<string, number> = {}) =>
  presetConfig("tiny", {
    train: { batchSize: 4, logEvery: 1, sampleEvery: 1000, checkpointEvery: 2, ...over },
  });

async function events(runDir: string): Promise<ProgressEvent[]> {
  const text = await fs.readFile(path.join(runDir, "progress.jsonl"), "utf8");
  return text
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

describe("trainer", () => {
  let dataset: string;
  beforeAll(async () => {
    await initBackend({ force: "wasm", log: () => {} });
    dataset = await shapesDataset({ count: 24 });
  });

  it("checkpoint save → load gives identical outputs", async () => {
    const c = presetConfig("tiny", { embDim: 32 });
    const m = new GanModel(c, { seed: 9, withDiscriminator: true });
    const opt = {
      g: new Adam(m.trainedG.trainable, 1e-3),
      d: new Adam(m.stores.d?.trainable ?? new Map(), 1e-3),
    };
    opt.g.t = 5;
    const run = new RunFolder(tmpDir("ckpt"));
    await run.init();
    await saveCheckpoint(run, m, opt, {
      step: 3,
      epoch: 0,
      config: c,
      architecture: "x",
      rng: { seed: 1, counter: 3 },
      datasetHash: "abcdefgh",
      textEncoderId: "synthetic-bow",
      lr: { g: 1e-3, d: 1e-3 },
      time: new Date().toISOString(),
    });
    const emb = syntheticBowEmbed("a red circle", 32);
    const { generateImages } = await import("@/lib/gan");
    const want = generateImages(m, { embeddings: emb, seed: 4 }).images64;
    const gen = await loadGenerator(run.dir);
    expect(Buffer.from(gen.generate({ embeddings: emb, seed: 4 }).images64).equals(Buffer.from(want))).toBe(
      true,
    );
    expect(gen.checkpoint.state.step).toBe(3);
    gen.dispose();
    // optimiser state round-trips too
    const m2 = new GanModel(c, { seed: 10, withDiscriminator: true });
    const opt2 = {
      g: new Adam(m2.trainedG.trainable, 1e-3),
      d: new Adam(m2.stores.d?.trainable ?? new Map(), 1e-3),
    };
    await restoreCheckpoint(path.join(run.checkpointsDir, "step-000003"), m2, opt2);
    expect(opt2.g.t).toBe(5);
    expect(m2.namedTensors().get("d1.head.joint.w")?.dataSync()).toEqual(
      m.namedTensors().get("d1.head.joint.w")?.dataSync(),
    );
    for (const x of [m, m2]) x.dispose();
    for (const o of [opt, opt2]) {
      o.g.dispose();
      o.d.dispose();
    }
  });

  it("writes the run folder contract, resumes at the same step, and matches an uninterrupted run", async () => {
    const runA = path.join(tmpDir("run"), "a");
    const first = await train({ runDir: runA, datasetDir: dataset, config: tiny(), maxSteps: 4, ...quiet });
    expect(first).toMatchObject({ status: "done", step: 4 });
    const run = JSON.parse(await fs.readFile(path.join(runA, "run.json"), "utf8"));
    expect(run).toMatchObject({ id: "a", preset: "tiny", textEncoderId: "synthetic-bow" });
    expect(run.config.embDim).toBe(32); // from the dataset manifest
    expect(JSON.parse(await fs.readFile(path.join(runA, "checkpoints", "latest.json"), "utf8"))).toEqual({
      step: 4,
      dir: "step-000004",
    });
    await fs.stat(path.join(runA, "samples", "step-000004.png"));

    const resumed = await train({ runDir: runA, datasetDir: dataset, resume: true, maxSteps: 6, ...quiet });
    expect(resumed).toMatchObject({ status: "done", step: 6 });
    const steps = (await events(runA)).filter((e) => e.type === "step").map((e) => e.step);
    expect(steps).toEqual([1, 2, 3, 4, 5, 6]); // the loss curve continues, no restart from zero

    const runB = path.join(tmpDir("run"), "b");
    await train({ runDir: runB, datasetDir: dataset, config: tiny(), maxSteps: 6, ...quiet });
    const a = await loadCheckpoint(runA, { withDiscriminator: true });
    const b = await loadCheckpoint(runB, { withDiscriminator: true });
    for (const [name, v] of a.model.namedTensors())
      expect(Array.from(v.dataSync()), name).toEqual(
        Array.from(b.model.namedTensors().get(name)?.dataSync() ?? []),
      );
    a.model.dispose();
    b.model.dispose();
  });

  it("keeps a milestone at the first checkpoint past every keepEvery steps, untouched by pruning and resume", async () => {
    const runDir = path.join(tmpDir("run"), "keep");
    const opts = { runDir, datasetDir: dataset, keepCheckpoints: 1, keepEvery: 4, ...quiet };
    // checkpoints at 3, 6, 9 (every 3 steps) and the last step; milestones at the first past 4 and 8
    await train({ ...opts, config: tiny({ checkpointEvery: 3 }), maxSteps: 7 });
    await train({ ...opts, resume: true, maxSteps: 10 });
    expect((await fs.readdir(path.join(runDir, "kept"))).sort()).toEqual(["step-000006", "step-000009"]);
    expect(await new RunFolder(runDir).stepFolders()).toEqual(["step-000010"]);
    expect((await fs.readdir(path.join(runDir, "kept", "step-000006"))).sort()).toEqual([
      "state.json",
      "weights.bin",
      "weights.json",
    ]);
    // a milestone loads like a checkpoint, with the weights it had at its step
    const kept = await loadGenerator(path.join(runDir, "kept", "step-000009"));
    const last = await loadGenerator(runDir);
    expect(kept.checkpoint.state.step).toBe(9);
    const emb = syntheticBowEmbed("a red circle", 32);
    const a = kept.generate({ embeddings: emb, seed: 4 }).images64;
    const b = last.generate({ embeddings: emb, seed: 4 }).images64;
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
    kept.dispose();
    last.dispose();
  });

  it("changes training settings of a resumed run (trainSettings), refusing unknown keys and bad values", async () => {
    const runDir = path.join(tmpDir("run"), "settings");
    await train({ runDir, datasetDir: dataset, config: tiny({ batchSize: 4 }), maxSteps: 2, ...quiet });
    const resume = (trainSettings: Record<string, unknown>, maxSteps = 4) =>
      train({ runDir, datasetDir: dataset, resume: true, trainSettings, maxSteps, ...quiet });
    await expect(resume({ modeSeek: 1 })).rejects.toThrow(
      /Unknown training setting modeSeek: use one of .*modeSeekWeight/,
    );
    await expect(resume({ modeSeekWeight: -1 })).rejects.toThrow(
      /Bad training setting: modeSeekWeight: Too small/,
    );
    await expect(resume({ modeSeekWeight: 1 })).resolves.toMatchObject({ status: "done", step: 4 });
    const state = await readCheckpointState(path.join(runDir, "checkpoints", "step-000004"));
    expect(state.config.train.modeSeekWeight).toBe(1);
    expect(state.config.train.batchSize).toBe(4); // the rest of the saved settings stay
    const last = (await events(runDir)).filter((e) => e.type === "step").at(-1) as { losses: object };
    expect(last.losses).toHaveProperty("modeSeek");
  });

  it("fine-tunes a run on another dataset only when asked (switchDataset), and records the switch", async () => {
    const runDir = path.join(tmpDir("run"), "switch");
    await train({ runDir, datasetDir: dataset, config: tiny(), maxSteps: 2, ...quiet });
    const other = await shapesDataset({ count: 32 });
    const resume = (switchDataset?: boolean) =>
      train({ runDir, datasetDir: other, resume: true, switchDataset, maxSteps: 4, ...quiet });
    await expect(resume()).rejects.toThrow(/trained on dataset \w+, .* is \w+\. .*pass switchDataset/);
    await expect(resume(true)).resolves.toMatchObject({ status: "done", step: 4 });
    const otherHash = JSON.parse(await fs.readFile(path.join(other, "manifest.json"), "utf8")).hash;
    const state = await readCheckpointState(path.join(runDir, "checkpoints", "step-000004"));
    expect(state.datasetHash).toBe(otherHash);
    const run = JSON.parse(await fs.readFile(path.join(runDir, "run.json"), "utf8"));
    expect(run.datasetHash).toBe(otherHash);
    const warned = (await events(runDir)).filter((e) => e.type === "warning");
    expect(warned.map((e) => (e as { message: string }).message)).toEqual([
      expect.stringMatching(new RegExp(`^dataset switched from step 2: .*hash ${otherHash}, was \\w+\\)$`)),
    ]);
    // once switched, a plain resume on the new dataset needs no flag
    await expect(
      train({ runDir, datasetDir: other, resume: true, maxSteps: 5, ...quiet }),
    ).resolves.toMatchObject({ step: 5 });
  });

  it("refuses to resume with a different architecture, and a fresh start over checkpoints", async () => {
    const runDir = path.join(tmpDir("run"), "c");
    await train({ runDir, datasetDir: dataset, config: tiny(), maxSteps: 2, ...quiet });
    const other = presetConfig("tiny", { g1: { ngf: 16 }, train: { batchSize: 4 } });
    await expect(
      train({ runDir, datasetDir: dataset, config: other, resume: true, maxSteps: 4, ...quiet }),
    ).rejects.toThrow(/different architecture \(g1: \{"ngf":8\} vs \{"ngf":16\}\)/);
    await expect(
      train({ runDir, datasetDir: dataset, config: tiny(), maxSteps: 4, ...quiet }),
    ).rejects.toThrow(/already has checkpoints/);
    // the mode-seeking term needs whole row pairs in every shard
    await expect(
      train({
        runDir: path.join(tmpDir("run"), "pairs"),
        datasetDir: dataset,
        config: tiny({ batchSize: 6, modeSeekWeight: 1 }),
        workers: 2,
        maxSteps: 1,
        ...quiet,
      }),
    ).rejects.toThrow(/batch size 6 must split into 2 shard\(s\) of an even size \(a multiple of 4\)/);
  });

  it("stops on an AbortSignal and writes a checkpoint", async () => {
    const runDir = path.join(tmpDir("run"), "d");
    const ac = new AbortController();
    const seen: string[] = [];
    const r = await train({
      runDir,
      datasetDir: dataset,
      config: tiny({ checkpointEvery: 1000 }),
      maxSteps: 100,
      signal: ac.signal,
      onEvent: (e) => {
        seen.push(e.type);
        if (e.type === "step" && e.step === 3) ac.abort();
      },
      ...quiet,
    });
    expect(r).toMatchObject({
      status: "stopped",
      step: 3,
      checkpointDir: path.join("checkpoints", "step-000003"),
    });
    expect(seen.slice(-2)).toEqual(["checkpoint", "stopped"]);
  });

  it("trains Stage-II on a frozen Stage-I checkpoint and generates 256 px", async () => {
    const ds = await shapesDataset({ count: 8, sizes: [64, 256] });
    const s1 = path.join(tmpDir("run"), "s1");
    await train({ runDir: s1, datasetDir: ds, config: tiny({ batchSize: 2 }), maxSteps: 1, ...quiet });
    const s2 = path.join(tmpDir("run"), "s2");
    const cfg = presetConfig("tiny-stage2", { train: { checkpointEvery: 1000, sampleEvery: 1000 } });
    await expect(train({ runDir: s2, datasetDir: ds, config: cfg, maxSteps: 1, ...quiet })).rejects.toThrow(
      /needs a finished Stage-I/,
    );
    await train({ runDir: s2, datasetDir: ds, config: cfg, stage1: s1, maxSteps: 2, ...quiet });
    const g1 = await loadCheckpoint(s1);
    const g2 = await loadGenerator(s2);
    // Stage-I stayed frozen: identical weights in the stage-2 checkpoint
    expect(Array.from(g2.checkpoint.model.namedTensors().get("g1.up0.conv.w")?.dataSync() ?? [])).toEqual(
      Array.from(g1.model.namedTensors().get("g1.up0.conv.w")?.dataSync() ?? []),
    );
    const out = g2.generate({ embeddings: syntheticBowEmbed("a blue square", 32), seed: 1 });
    expect(out.images64.length).toBe(64 * 64 * 3);
    expect(out.images256?.length).toBe(256 * 256 * 3);
    g1.model.dispose();
    g2.dispose();
  });

  it("continues a Stage-II run on another Stage-I (resume with stage1): G2 goes on, the new Stage-I is frozen in", async () => {
    const ds = await shapesDataset({ count: 8, sizes: [64, 256] });
    const root = tmpDir("run");
    const stage1 = async (name: string, seed: number, over: Record<string, number> = {}) => {
      const dir = path.join(root, name);
      await train({
        runDir: dir,
        datasetDir: ds,
        config: tiny({ batchSize: 2, seed, ...over }),
        maxSteps: 1,
        ...quiet,
      });
      return dir;
    };
    const [a, b] = [await stage1("a", 1), await stage1("b", 7)];
    const s2 = path.join(root, "s2");
    const cfg = presetConfig("tiny-stage2", { train: { checkpointEvery: 2, sampleEvery: 1000 } });
    await train({ runDir: s2, datasetDir: ds, config: cfg, stage1: a, maxSteps: 2, ...quiet });
    const before = await loadCheckpoint(s2);
    const g2Before = Array.from(before.model.namedTensors().get("g2.out.w")?.dataSync() ?? []);
    before.model.dispose();

    await train({ runDir: s2, datasetDir: ds, resume: true, stage1: b, maxSteps: 4, ...quiet });
    const after = await loadCheckpoint(s2);
    const fromB = await loadCheckpoint(b);
    const w = (c: typeof after, name: string) =>
      Array.from(c.model.namedTensors().get(name)?.dataSync() ?? []);
    expect(after.state.step).toBe(4);
    // the frozen Stage-I is now b's (weights and running statistics), and the checkpoint and run say so
    expect(w(after, "g1.up0.conv.w")).toEqual(w(fromB, "g1.up0.conv.w"));
    expect(w(after, "g1.up0.bn.mean")).toEqual(w(fromB, "g1.up0.bn.mean"));
    expect(after.state.stage1Checkpoint).toBe(await resolveCheckpointDir(b));
    expect((await new RunFolder(s2).readRun())?.stage1Checkpoint).toBe(await resolveCheckpointDir(b));
    const warning = (await events(s2)).find((e) => e.type === "warning");
    expect(warning && "message" in warning ? warning.message : "").toMatch(/Stage-I replaced from step 2/);
    // G2 went on from its own weights (trained further, not restarted)
    expect(w(after, "g2.out.w")).not.toEqual(g2Before);
    expect(after.state.lr).toBeDefined();
    for (const c of [after, fromB]) c.model.dispose();

    // a Stage-I of another architecture cannot go under it
    const wide = path.join(root, "wide");
    await train({
      runDir: wide,
      datasetDir: ds,
      config: presetConfig("tiny", { g1: { ngf: 16 }, train: { batchSize: 2, checkpointEvery: 2 } }),
      maxSteps: 1,
      ...quiet,
    });
    await expect(
      train({ runDir: s2, datasetDir: ds, resume: true, stage1: wide, maxSteps: 5, ...quiet }),
    ).rejects.toThrow(/Cannot continue .* on Stage-I .*ngf 16\) differs/);
  });

  it('an aborted WebAssembly runtime fails the run with an out-of-memory message, not "Aborted()"', async () => {
    const runDir = tmpDir("abort");
    const err = await train({
      runDir,
      datasetDir: dataset,
      config: tiny({ batchSize: 4, checkpointEvery: 1 }),
      maxSteps: 3,
      ...quiet,
      // the hook runs inside the training loop, where a real abort would come from a kernel
      afterCheckpoint: async () => {
        throw new WebAssembly.RuntimeError("Aborted(). Build with -sASSERTIONS for more info.");
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendAbortedError);
    expect((err as Error).message).toMatch(
      /ran out of memory: a 64 px step at batch 4 needs more than the 4 GB/,
    );
    const logged = (await events(runDir)).filter(
      (e): e is Extract<ProgressEvent, { type: "done" | "stopped" | "error" }> => e.type === "error",
    );
    expect(logged.at(-1)?.message).toBe((err as Error).message);
  });
});
