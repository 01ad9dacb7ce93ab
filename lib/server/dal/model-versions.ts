import "server-only";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { desc, eq } from "drizzle-orm";
import { config } from "../../config";
import { AppError } from "../../errors";
import { findShippedVersions, type ServedVersion } from "../../serve";
import { requireAdmin, type Viewer } from "../auth/session";
import { db, tables } from "../db";

const mv = tables.modelVersion;
/** shipped model versions live in the repository */
export const SHIPPED_MODELS_DIR = "models/ganvas-gan";

export interface ModelVersionSummary {
  id: string;
  name: string;
  dir: string;
  textEncoderId: string;
  isActive: boolean;
  card: Record<string, unknown>;
  checkpointId: string | null;
  promotedAt: string | null;
  createdAt: string;
}

function toSummary(r: typeof mv.$inferSelect): ModelVersionSummary {
  return {
    id: r.id,
    name: r.name,
    dir: r.dir,
    textEncoderId: r.textEncoderId,
    isActive: r.isActive,
    card: r.card,
    checkpointId: r.checkpointId,
    promotedAt: r.promotedAt?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
  };
}

/** Absolute folder of a version: shipped ones are relative to the app, promoted ones to the data dir. */
export function versionDir(dir: string): string {
  if (path.isAbsolute(dir)) return dir;
  return dir.startsWith(`${SHIPPED_MODELS_DIR}/`) ? path.resolve(dir) : path.join(config().dataDir, dir);
}

let shippedChecked = false;
/** Register the model versions shipped in models/ (once per process); activate the default if none is active. */
export async function ensureShippedVersions(): Promise<void> {
  if (shippedChecked) return;
  const shipped = await findShippedVersions(path.resolve(SHIPPED_MODELS_DIR));
  const d = db();
  for (const { dir, manifest } of shipped) {
    const rel = `${SHIPPED_MODELS_DIR}/${path.basename(dir)}`;
    const card = { ...manifest, shipped: true };
    // listed by when the version was made (its model.json), not when this install first saw it
    const made = new Date(manifest.createdAt);
    const createdAt = Number.isNaN(made.getTime()) ? new Date() : made;
    const known = d.select().from(mv).where(eq(mv.name, manifest.name)).get();
    // a shipped version's card follows its model.json (new metrics after re-evaluation, say)
    if (known?.dir === rel) d.update(mv).set({ card, createdAt }).where(eq(mv.id, known.id)).run();
    else if (!known)
      d.insert(mv)
        .values({
          id: randomUUID(),
          name: manifest.name,
          dir: rel,
          textEncoderId: manifest.textEncoderId,
          card,
          isActive: false,
          createdAt,
        })
        .onConflictDoNothing()
        .run();
  }
  const active = d.select({ id: mv.id }).from(mv).where(eq(mv.isActive, true)).get();
  if (!active) {
    const pick = shipped.find((s) => s.manifest.default) ?? shipped.at(-1);
    if (pick) d.update(mv).set({ isActive: true }).where(eq(mv.name, pick.manifest.name)).run();
  }
  shippedChecked = true;
}

/** The version serving uses now, or null when none is installed. */
export async function activeModelVersion(): Promise<(ServedVersion & { textEncoderId: string }) | null> {
  await ensureShippedVersions();
  const row = db().select().from(mv).where(eq(mv.isActive, true)).get();
  return row
    ? { id: row.id, name: row.name, dir: versionDir(row.dir), textEncoderId: row.textEncoderId }
    : null;
}

export async function listModelVersions(viewer: Viewer | null): Promise<ModelVersionSummary[]> {
  requireAdmin(viewer);
  await ensureShippedVersions();
  return db().select().from(mv).orderBy(desc(mv.createdAt)).all().map(toSummary);
}

/** Make a version the one serving uses (promotion and roll-back both end here). Admins only. */
export function activateModelVersion(viewer: Viewer | null, id: string): ModelVersionSummary {
  requireAdmin(viewer);
  const row = db().select().from(mv).where(eq(mv.id, id)).get();
  if (!row) throw new AppError("NOT_FOUND", "No such model version.");
  db().transaction((tx) => {
    tx.update(mv).set({ isActive: false }).where(eq(mv.isActive, true)).run();
    tx.update(mv).set({ isActive: true, promotedAt: new Date() }).where(eq(mv.id, id)).run();
  });
  return toSummary(db().select().from(mv).where(eq(mv.id, id)).get() as typeof mv.$inferSelect);
}
