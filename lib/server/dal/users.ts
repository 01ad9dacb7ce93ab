import "server-only";
import { asc, eq } from "drizzle-orm";
import { AppError } from "../../errors";
import { otherAdminCount } from "../auth/accounts";
import type { Role } from "../auth/rules";
import { requireAdmin, type Viewer } from "../auth/session";
import { db, tables } from "../db";

export interface UserSummary {
  id: string;
  username: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
}

function toSummary(r: typeof tables.user.$inferSelect): UserSummary {
  return {
    id: r.id,
    username: r.displayUsername ?? r.username ?? r.name,
    role: r.role === "admin" ? "admin" : "user",
    disabled: Boolean(r.banned),
    createdAt: r.createdAt.toISOString(),
  };
}

function findUser(id: string) {
  const row = db().select().from(tables.user).where(eq(tables.user.id, id)).get();
  if (!row) throw new AppError("NOT_FOUND", "No such user.");
  return row;
}

/** Admins only. */
export function listUsers(viewer: Viewer | null): UserSummary[] {
  requireAdmin(viewer);
  return db().select().from(tables.user).orderBy(asc(tables.user.createdAt)).all().map(toSummary);
}

/** Admins only; an admin cannot demote the last remaining administrator (that would lock everyone out). */
export function setUserRole(viewer: Viewer | null, userId: string, role: Role): UserSummary {
  requireAdmin(viewer);
  const target = findUser(userId);
  if (target.role === "admin" && role !== "admin" && otherAdminCount(userId) === 0)
    throw new AppError(
      "CONFLICT",
      "This is the last administrator. Make someone else an administrator first.",
    );
  db().update(tables.user).set({ role, updatedAt: new Date() }).where(eq(tables.user.id, userId)).run();
  return toSummary(findUser(userId));
}

/** Admins only; disabling signs the user out everywhere. Admins cannot disable themselves. */
export function setUserDisabled(viewer: Viewer | null, userId: string, disabled: boolean): UserSummary {
  const admin = requireAdmin(viewer);
  findUser(userId);
  if (disabled && admin.id === userId) throw new AppError("CONFLICT", "You cannot disable your own account.");
  const d = db();
  d.transaction((tx) => {
    tx.update(tables.user)
      .set({
        banned: disabled,
        banReason: disabled ? "disabled by an administrator" : null,
        updatedAt: new Date(),
      })
      .where(eq(tables.user.id, userId))
      .run();
    if (disabled) tx.delete(tables.session).where(eq(tables.session.userId, userId)).run();
  });
  return toSummary(findUser(userId));
}
