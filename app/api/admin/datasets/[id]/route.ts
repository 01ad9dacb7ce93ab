import { deleteDataset, getDataset, route } from "@/lib/server";

type P = { id: string };
export const GET = route<undefined, P>({ access: "admin" }, async ({ viewer, params }) => ({
  dataset: getDataset(viewer, params.id),
}));
export const DELETE = route<undefined, P>({ access: "admin" }, async ({ viewer, params }) => {
  await deleteDataset(viewer, params.id);
  return { ok: true };
});
