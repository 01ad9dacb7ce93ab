import "server-only";
import { forbidden, redirect } from "next/navigation";
import { currentViewer, type Viewer } from "./session";

/** Pages that need an account: anonymous visitors go to sign-in and come back afterwards. */
export async function pageViewer(path: string): Promise<Viewer> {
  const viewer = await currentViewer();
  if (!viewer) redirect(`/sign-in?next=${encodeURIComponent(path)}`);
  return viewer;
}

/** Admin pages: anonymous → sign-in; signed-in users who are not admins → 403. */
export async function pageAdmin(path: string): Promise<Viewer> {
  const viewer = await pageViewer(path);
  if (viewer.role !== "admin") forbidden();
  return viewer;
}
