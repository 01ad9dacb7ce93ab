import "server-only";
import { randomBytes, randomUUID } from "node:crypto";
import { and, desc, eq, gte, inArray, lte, type SQL, sql } from "drizzle-orm";
import { AppError } from "../../errors";
import { requireViewer, type Viewer } from "../auth/session";
import { db, tables } from "../db";
import { storage } from "../storage";

export type Visibility = "private" | "public";

export interface ImageSummary {
  id: string;
  ownerId: string;
  ownerName: string;
  prompt: string;
  seed: number;
  modelVersion: string;
  params: Record<string, unknown>;
  visibility: Visibility;
  saved: boolean;
  shareId: string;
  width: number;
  height: number;
  createdAt: string;
  /** true when the viewer may change or delete it */
  canEdit: boolean;
}

export interface NewImage {
  prompt: string;
  seed: number;
  modelVersionId: string | null;
  modelVersionName: string;
  params: Record<string, unknown>;
  png: Uint8Array;
  width: number;
  height: number;
  visibility: Visibility;
  saved: boolean;
}

const img = tables.image;
const fileKeyOf = (id: string) => `images/${id.slice(0, 2)}/${id}.png`;

function canEdit(viewer: Viewer | null, ownerId: string) {
  return !!viewer && (viewer.id === ownerId || viewer.role === "admin");
}
function canSee(viewer: Viewer | null, row: { ownerId: string; visibility: string }) {
  return row.visibility === "public" || canEdit(viewer, row.ownerId);
}

type Row = typeof img.$inferSelect & { ownerName: string | null };

function toSummary(r: Row, viewer: Viewer | null): ImageSummary {
  return {
    id: r.id,
    ownerId: r.ownerId,
    ownerName: r.ownerName ?? "unknown",
    prompt: r.prompt,
    seed: r.seed,
    modelVersion: r.modelVersionName,
    params: r.params,
    visibility: r.visibility,
    saved: r.saved,
    shareId: r.shareId,
    width: r.width,
    height: r.height,
    createdAt: r.createdAt.toISOString(),
    canEdit: canEdit(viewer, r.ownerId),
  };
}

function selectRows() {
  return db()
    .select({ image: img, ownerName: tables.user.displayUsername, ownerUsername: tables.user.username })
    .from(img)
    .leftJoin(tables.user, eq(tables.user.id, img.ownerId));
}
type Joined = { image: typeof img.$inferSelect; ownerName: string | null; ownerUsername: string | null };
const flat = (j: Joined): Row => ({ ...j.image, ownerName: j.ownerName ?? j.ownerUsername });

/** Store a generated image for its owner: the PNG is written (atomically) before the row that points at it. */
export async function createImage(viewer: Viewer | null, input: NewImage): Promise<ImageSummary> {
  const owner = requireViewer(viewer);
  const id = randomUUID();
  const fileKey = fileKeyOf(id);
  await storage().put(fileKey, input.png);
  try {
    db()
      .insert(img)
      .values({
        id,
        ownerId: owner.id,
        prompt: input.prompt,
        seed: input.seed,
        modelVersionId: input.modelVersionId,
        modelVersionName: input.modelVersionName,
        params: input.params,
        visibility: input.visibility,
        saved: input.saved,
        shareId: randomBytes(12).toString("base64url"),
        fileKey,
        width: input.width,
        height: input.height,
      })
      .run();
  } catch (err) {
    await storage().delete(fileKey);
    throw err;
  }
  return getImage(owner, id);
}

function findRow(id: string): Row | null {
  const j = selectRows().where(eq(img.id, id)).get();
  return j ? flat(j) : null;
}

/** Private images are 404 (not 403) to everyone but their owner and admins: their existence is not revealed. */
export function getImage(viewer: Viewer | null, id: string): ImageSummary {
  const row = findRow(id);
  if (!row || !canSee(viewer, row)) throw new AppError("NOT_FOUND", "No such image, or it is private.");
  return toSummary(row, viewer);
}

export function getImageByShareId(viewer: Viewer | null, shareId: string): ImageSummary {
  const j = selectRows().where(eq(img.shareId, shareId)).get();
  const row = j ? flat(j) : null;
  if (!row || !canSee(viewer, row)) throw new AppError("NOT_FOUND", "No such image, or it is private.");
  return toSummary(row, viewer);
}

export async function getImagePng(viewer: Viewer | null, id: string): Promise<Buffer> {
  const row = findRow(id);
  if (!row || !canSee(viewer, row)) throw new AppError("NOT_FOUND", "No such image, or it is private.");
  return storage().get(row.fileKey);
}

export interface ImageQuery {
  scope: "mine" | "public";
  /** "mine" only: saved images (default) or the unsaved history */
  saved?: boolean;
  q?: string;
  modelVersion?: string;
  from?: Date;
  to?: Date;
  limit: number;
  offset: number;
}

/** Turn free text into a safe FTS5 query: every word must match, as a prefix. */
export function ftsQuery(text: string): string | null {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  if (!words.length) return null;
  return words
    .slice(0, 12)
    .map((w) => `"${w}"*`)
    .join(" ");
}

export function listImages(
  viewer: Viewer | null,
  q: ImageQuery,
): { images: ImageSummary[]; hasMore: boolean } {
  const where: SQL[] = [];
  if (q.scope === "mine") {
    const v = requireViewer(viewer);
    where.push(eq(img.ownerId, v.id), eq(img.saved, q.saved ?? true));
  } else {
    where.push(eq(img.visibility, "public"));
  }
  if (q.modelVersion) where.push(eq(img.modelVersionName, q.modelVersion));
  if (q.from) where.push(gte(img.createdAt, q.from));
  if (q.to) where.push(lte(img.createdAt, q.to));
  if (q.q) {
    const match = ftsQuery(q.q);
    if (!match) return { images: [], hasMore: false };
    where.push(sql`${img}.rowid in (select rowid from image_fts where image_fts match ${match})`);
  }
  const rows = selectRows()
    .where(and(...where))
    .orderBy(desc(img.createdAt), desc(img.id))
    .limit(q.limit + 1)
    .offset(q.offset)
    .all()
    .map(flat);
  return { images: rows.slice(0, q.limit).map((r) => toSummary(r, viewer)), hasMore: rows.length > q.limit };
}

/** Model version names that appear in what the viewer can list (for the filter menu). */
export function listImageModelVersions(viewer: Viewer | null, scope: "mine" | "public"): string[] {
  const cond = scope === "mine" ? eq(img.ownerId, requireViewer(viewer).id) : eq(img.visibility, "public");
  return db()
    .selectDistinct({ name: img.modelVersionName })
    .from(img)
    .where(cond)
    .all()
    .map((r) => r.name)
    .sort();
}

export function updateImage(
  viewer: Viewer | null,
  id: string,
  patch: { visibility?: Visibility; saved?: boolean },
): ImageSummary {
  const row = findRow(id);
  if (!row || !canSee(viewer, row)) throw new AppError("NOT_FOUND", "No such image, or it is private.");
  if (!canEdit(viewer, row.ownerId)) throw new AppError("FORBIDDEN", "Only the image's owner can change it.");
  db().update(img).set(patch).where(eq(img.id, id)).run();
  return getImage(viewer, id);
}

export async function deleteImage(viewer: Viewer | null, id: string): Promise<void> {
  const row = findRow(id);
  if (!row || !canSee(viewer, row)) throw new AppError("NOT_FOUND", "No such image, or it is private.");
  if (!canEdit(viewer, row.ownerId)) throw new AppError("FORBIDDEN", "Only the image's owner can delete it.");
  db().delete(img).where(eq(img.id, id)).run();
  await storage().delete(row.fileKey);
}

/** Keep a user's unsaved history bounded: drop the oldest unsaved images beyond `keep`. */
export async function pruneHistory(viewer: Viewer, keep = 200): Promise<number> {
  const old = db()
    .select({ id: img.id, fileKey: img.fileKey })
    .from(img)
    .where(and(eq(img.ownerId, viewer.id), eq(img.saved, false)))
    .orderBy(desc(img.createdAt), desc(img.id))
    .all()
    .slice(keep);
  if (!old.length) return 0;
  db()
    .delete(img)
    .where(
      inArray(
        img.id,
        old.map((o) => o.id),
      ),
    )
    .run();
  for (const o of old) await storage().delete(o.fileKey);
  return old.length;
}
