import "server-only";
import { randomUUID } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { desc, eq } from "drizzle-orm";
import { z } from "zod";
import { config } from "../../config";
import { contactSheet, readManifest } from "../../data";
import { AppError } from "../../errors";
import { requireAdmin, type Viewer } from "../auth/session";
import { db, tables } from "../db";

const ds = tables.dataset;

export const DATASET_NAME_RE = /^[a-z0-9][a-z0-9_-]{1,47}$/;
export const datasetNameSchema = z
  .string({ error: "name is required" })
  .trim()
  .toLowerCase()
  .regex(DATASET_NAME_RE, {
    error: 'use 2–48 characters: a–z, 0–9, "-" and "_", starting with a letter or digit',
  });

export type DatasetStatus = "importing" | "ready" | "failed";
export interface DatasetSummary {
  id: string;
  name: string;
  dir: string;
  status: DatasetStatus;
  source: string;
  imageCount: number;
  captionCount: number;
  contentHash: string | null;
  report: Record<string, unknown> | null;
  error: string | null;
  evalNetsStatus: "queued" | "training" | "failed" | null;
  evalNetsError: string | null;
  createdAt: string;
}

const toSummary = (r: typeof ds.$inferSelect): DatasetSummary => ({
  id: r.id,
  name: r.name,
  dir: r.dir,
  status: r.status,
  source: r.source,
  imageCount: r.imageCount,
  captionCount: r.captionCount,
  contentHash: r.contentHash,
  report: r.report,
  error: r.error,
  evalNetsStatus: r.evalNetsStatus,
  evalNetsError: r.evalNetsError,
  createdAt: r.createdAt.toISOString(),
});

export const datasetsRoot = () => path.join(config().dataDir, "datasets");
export const datasetDirAbs = (d: { dir: string }) => path.join(config().dataDir, d.dir);

/** Register dataset folders already on disk (built from the CLI) that the database does not know yet. */
export async function registerDatasetFolders(): Promise<void> {
  let names: string[] = [];
  try {
    names = await fs.readdir(datasetsRoot());
  } catch {
    return;
  }
  for (const name of names) {
    if (!DATASET_NAME_RE.test(name)) continue;
    if (db().select({ id: ds.id }).from(ds).where(eq(ds.name, name)).get()) continue;
    try {
      const m = await readManifest(path.join(datasetsRoot(), name));
      db()
        .insert(ds)
        .values({
          id: randomUUID(),
          name,
          dir: `datasets/${name}`,
          status: "ready",
          source: m.source,
          imageCount: m.count,
          captionCount: m.captionCount,
          contentHash: m.hash,
          report: await readReport(path.join(datasetsRoot(), name)),
        })
        .onConflictDoNothing()
        .run();
    } catch {
      // not a dataset folder
    }
  }
}

export async function readReport(dir: string): Promise<Record<string, unknown> | null> {
  try {
    return JSON.parse(await fs.readFile(path.join(dir, "report.json"), "utf8"));
  } catch {
    return null;
  }
}

export async function listDatasets(viewer: Viewer | null): Promise<DatasetSummary[]> {
  requireAdmin(viewer);
  await registerDatasetFolders();
  return db().select().from(ds).orderBy(desc(ds.createdAt)).all().map(toSummary);
}

export function getDataset(viewer: Viewer | null, id: string): DatasetSummary {
  requireAdmin(viewer);
  const r = db().select().from(ds).where(eq(ds.id, id)).get();
  if (!r) throw new AppError("NOT_FOUND", "No such dataset.");
  return toSummary(r);
}

export interface ImportSpec {
  kind: "upload" | "path" | "builtin";
  format?: string;
  /** absolute path of the uploaded zip or server folder */
  src?: string;
}

/** Queue an import for the worker; the dataset shows as "importing" until it is done. */
export function queueDatasetImport(viewer: Viewer | null, name: string, spec: ImportSpec): DatasetSummary {
  const admin = requireAdmin(viewer);
  if (db().select({ id: ds.id }).from(ds).where(eq(ds.name, name)).get())
    throw new AppError(
      "CONFLICT",
      `A dataset named "${name}" exists. Choose another name or delete it first.`,
    );
  const id = randomUUID();
  db()
    .insert(ds)
    .values({
      id,
      name,
      dir: `datasets/${name}`,
      status: "importing",
      source: spec.kind === "builtin" ? "built-in emoji set" : `${spec.kind}: ${spec.format ?? ""}`,
      importSpec: { ...spec },
      createdBy: admin.id,
    })
    .run();
  return getDataset(viewer, id);
}

export async function deleteDataset(viewer: Viewer | null, id: string): Promise<void> {
  const d = getDataset(viewer, id);
  const used = db()
    .select({ id: tables.trainingRun.id })
    .from(tables.trainingRun)
    .where(eq(tables.trainingRun.datasetId, id))
    .get();
  if (used) throw new AppError("CONFLICT", "Training runs use this dataset. Delete those runs first.");
  if (d.status === "importing")
    throw new AppError("CONFLICT", "The dataset is still importing. Wait for it to finish.");
  db().delete(ds).where(eq(ds.id, id)).run();
  await fs.rm(datasetDirAbs(d), { recursive: true, force: true });
}

/** The dataset's contact sheet (32 samples with captions), rendered once and kept in its folder. */
export async function datasetSheet(d: DatasetSummary): Promise<Buffer> {
  if (d.status !== "ready") throw new AppError("CONFLICT", `Dataset "${d.name}" is ${d.status}.`);
  const dir = datasetDirAbs(d);
  const file = path.join(dir, "contact-sheet-32.png");
  try {
    return await fs.readFile(file);
  } catch {
    const png = Buffer.from(await contactSheet(dir, { count: 32, columns: 8 }));
    await fs.writeFile(`${file}.tmp-${process.pid}`, png);
    await fs.rename(`${file}.tmp-${process.pid}`, file);
    return png;
  }
}
