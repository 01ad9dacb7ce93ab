import { deleteRun, getRun, route } from "@/lib/server";

type P = { id: string };
export const GET = route<undefined, P>({ access: "admin" }, async ({ viewer, params }) => ({
  run: getRun(viewer, params.id),
}));
export const DELETE = route<undefined, P>({ access: "admin" }, async ({ viewer, params }) => {
  await deleteRun(viewer, params.id);
  return { ok: true };
});
