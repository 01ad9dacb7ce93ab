import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { TRUNCATION_DEFAULT } from "@/lib/generate-events";

/**
 * Evaluation in the console's worker: an admin asks for a dataset's evaluation networks, a run scores each
 * checkpoint as it is made, a checkpoint can be (re)evaluated on request, and promotion carries the figures into
 * the model version. The worker runs in this process against a real SQLite database and real (tiny) training.
 */
const dataDir = mkdtempSync(path.join(os.tmpdir(), "ganvas-ckpt-eval-"));
process.env.GANVAS_DATA_DIR = dataDir;
process.env.GANVAS_EVAL_SAMPLES = "50";
const { writeSyntheticShapesDataset } = await import("@/lib/data");
const server = await import("@/lib/server");
const { runWorker } = await import("@/lib/server/worker/worker");
const { db, tables } = await import("@/lib/server/db");
const { eq } = await import("drizzle-orm");

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const quiet = { idleExitMs: 200 };
const checkpoints = (runId: string) =>
  db()
    .select()
    .from(tables.checkpoint)
    .where(eq(tables.checkpoint.runId, runId))
    .all()
    .sort((a, b) => a.step - b.step);

interface Summary {
  n: number;
  evalNets: string;
  evaluatedAt: string;
  truncation?: number | null;
  splits: Record<
    string,
    {
      items: number;
      chance: number;
      real: { rPrecision: number; frechet: number; jointFrechet: number };
      generated: {
        rPrecision: number;
        frechet: number;
        jointFrechet: number;
        inceptionLike: number;
        seedDiversity: number;
      };
      shuffled: { jointFrechet: number } | null;
    }
  >;
}

describe("checkpoint evaluation in the worker", () => {
  it("trains eval nets on request, scores checkpoints as they are made and on request, and promotes the figures", async () => {
    await writeSyntheticShapesDataset(path.join(dataDir, "datasets", "shapes"), { count: 120, dim: 32 });
    await writeSyntheticShapesDataset(path.join(dataDir, "datasets", "other"), {
      count: 40,
      dim: 32,
      seed: 7,
    });
    const admin = {
      id: (await server.setupAdmin("root", "password123", new Headers())).userId,
      username: "root",
      role: "admin" as const,
    };
    const datasets = await server.listDatasets(admin);
    const shapes = datasets.find((d) => d.name === "shapes");
    const other = datasets.find((d) => d.name === "other");
    if (!shapes || !other) throw new Error("datasets not registered");
    expect((await server.evalNetsInfo(shapes)).status).toBe("none");

    // 1. eval nets are a worker job; asking twice while queued is refused
    server.requestEvalNets(admin, shapes.id);
    expect(() => server.requestEvalNets(admin, shapes.id)).toThrow(/already being trained/);
    await runWorker(quiet);
    const info = await server.evalNetsInfo(server.getDataset(admin, shapes.id));
    expect(info.status).toBe("ready");
    expect(info.version).toBe("v001");
    expect(info.real?.val.rPrecision).toBeGreaterThanOrEqual(0);
    expect(existsSync(path.join(dataDir, "datasets", "shapes", "eval", "v001", "eval-net.json"))).toBe(true);

    // 2. a run with evaluation on: every checkpoint gets figures while training
    const run = server.createRun(admin, {
      datasetId: shapes.id,
      preset: "tiny",
      maxSteps: 12,
      checkpointEvery: 6,
      sampleEvery: 6,
      evalOnCheckpoint: true,
      // trained with the discriminator's augmentations and the mode-seeking term on, as the console's
      // checkboxes ask
      diffAugment: true,
      modeSeek: true,
    });
    expect(
      (server.getRun(admin, run.id).config as { train: { diffAugment: string[] } }).train.diffAugment,
    ).toEqual(["translation", "cutout"]);
    expect(
      (server.getRun(admin, run.id).config as { train: { modeSeekWeight: number } }).train.modeSeekWeight,
    ).toBe(1);
    expect(() =>
      server.createRun(admin, {
        datasetId: shapes.id,
        preset: "tiny",
        maxSteps: 2,
        batchSize: 5,
        modeSeek: true,
      }),
    ).toThrow(/choose an even batch size \(not 5\)/);
    await runWorker(quiet);
    expect(server.getRun(admin, run.id).status).toBe("completed");
    const rows = checkpoints(run.id);
    expect(rows.map((r) => r.step)).toEqual([6, 12]);
    for (const r of rows) {
      expect(r.evalStatus, r.evalError ?? "").toBe("done");
      const m = r.metrics as unknown as Summary;
      expect(m.evalNets).toBe("v001");
      const val = m.splits.val;
      expect(val.items).toBeGreaterThan(0);
      for (const x of [val.generated.rPrecision, val.real.rPrecision]) {
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThanOrEqual(1);
      }
      expect(Number.isFinite(val.generated.frechet)).toBe(true);
      expect(val.generated.frechet).toBeGreaterThan(0);
      // two noise draws per caption: how much the picture changes with the seed
      expect(val.generated.seedDiversity).toBeGreaterThanOrEqual(0);
      expect(val.generated.seedDiversity).toBeLessThan(3);
    }
    // the live view's data: checkpoints on disk with their figures, and every evaluated step for the chart
    const view = await server.runCheckpointsView(run.id, server.runDirAbs(run));
    expect(view.evaluated.map((e) => e.step)).toEqual([6, 12]);
    expect(view.checkpoints.find((c) => c.step === 12)?.metrics?.splits.val).toBeDefined();

    // 3. re-evaluation on request is queued for the worker; a checkpoint that is not there is refused
    const before = (rows[0].metrics as unknown as Summary).evaluatedAt;
    await server.requestCheckpointEval(admin, run.id, 6);
    expect(checkpoints(run.id)[0].evalStatus).toBe("queued");
    await expect(server.requestCheckpointEval(admin, run.id, 6)).rejects.toThrow(/already being evaluated/);
    await expect(server.requestCheckpointEval(admin, run.id, 999)).rejects.toThrow(
      /no checkpoint at step 999/,
    );
    await runWorker(quiet);
    const again = checkpoints(run.id)[0];
    expect(again.evalStatus).toBe("done");
    expect((again.metrics as unknown as Summary).evaluatedAt).not.toBe(before);

    // 4. promotion carries the figures into model.json, the card and the model version
    const version = await server.promoteCheckpoint(admin, run.id, { step: 12, name: "shapes-eval" });
    expect((version.card.metrics as Summary).splits.val.generated.rPrecision).toBe(
      (rows[1].metrics as unknown as Summary).splits.val.generated.rPrecision,
    );
    const folder = path.join(dataDir, "models", "shapes-eval");
    expect(
      JSON.parse(readFileSync(path.join(folder, "model.json"), "utf8")).metrics.splits.val,
    ).toBeDefined();
    const card = readFileSync(path.join(folder, "MODEL_CARD.md"), "utf8");
    expect(card).toMatch(/\| val \| \d+\.\d% \| \d+\.\d% \|/);
    expect(card).toMatch(/\| seed diversity \|\n/);
    // the image–text Fréchet distance, generated / real / shuffled floor, measured for every split
    expect(card).toContain("| image–text Fréchet generated | real | shuffled (floor) |");
    const split = (version.card.metrics as Summary).splits.val;
    for (const v of [split.generated.jointFrechet, split.real.jointFrechet, split.shuffled?.jointFrechet])
      expect(v).toEqual(expect.any(Number));
    // scored as the studio serves (its default noise truncation), and the card says so
    expect((version.card.metrics as Summary).truncation).toBe(TRUNCATION_DEFAULT);
    expect(card).toContain(`noise truncated at ${TRUNCATION_DEFAULT},`);
    // the card names where it trained (from the run's session events) and its training time over all sessions
    expect(card).toMatch(/\| backend \| (wasm|cpu|tensorflow)/);
    expect(version.card.source).toMatchObject({ wallTimeSec: expect.any(Number) });

    // 5. a dataset without eval nets: runs train without figures; asking for them says what to do
    const plain = server.createRun(admin, {
      datasetId: other.id,
      preset: "tiny",
      maxSteps: 4,
      checkpointEvery: 4,
      sampleEvery: 4,
      evalOnCheckpoint: true,
    });
    await runWorker(quiet);
    expect(server.getRun(admin, plain.id).status).toBe("completed");
    expect(checkpoints(plain.id)[0].evalStatus).toBeNull();
    await server.requestCheckpointEval(admin, plain.id, 4);
    await runWorker(quiet);
    const failed = checkpoints(plain.id)[0];
    expect(failed.evalStatus).toBe("failed");
    expect(failed.evalError).toMatch(/has no evaluation networks yet: train them on its page/);
  }, 240_000);

  it("refuses eval nets for a dataset too small to evaluate, with the reason", async () => {
    await writeSyntheticShapesDataset(path.join(dataDir, "datasets", "wee"), { count: 12, dim: 32 });
    const admin = { id: "x", username: "root", role: "admin" as const };
    const wee = (await server.listDatasets(admin)).find((d) => d.name === "wee");
    if (!wee) throw new Error("not registered");
    server.requestEvalNets(admin, wee.id);
    await runWorker(quiet);
    const info = await server.evalNetsInfo(server.getDataset(admin, wee.id));
    expect(info.status).toBe("failed");
    expect(info.error).toMatch(/cannot be evaluated: its val and test splits have fewer than 4 images/);
  }, 60_000);
});
