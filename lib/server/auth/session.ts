import "server-only";
import { headers } from "next/headers";
import { AppError } from "../../errors";
import { auth } from "./auth";
import type { Role } from "./rules";

/** The signed-in user as the rest of the app sees it. */
export interface Viewer {
  id: string;
  username: string;
  role: Role;
}

export async function viewerFromHeaders(h: Headers): Promise<Viewer | null> {
  const s = await auth().api.getSession({ headers: h });
  if (!s || s.user.banned) return null;
  return {
    id: s.user.id,
    username: s.user.username ?? s.user.name,
    role: s.user.role === "admin" ? "admin" : "user",
  };
}

/** For server components and server actions. */
export async function currentViewer(): Promise<Viewer | null> {
  return viewerFromHeaders(await headers());
}

export function requireViewer(v: Viewer | null): Viewer {
  if (!v) throw new AppError("UNAUTHENTICATED", "Sign in to do this.");
  return v;
}

export function requireAdmin(v: Viewer | null): Viewer {
  const viewer = requireViewer(v);
  if (viewer.role !== "admin") throw new AppError("FORBIDDEN", "Only administrators can do this.");
  return viewer;
}
