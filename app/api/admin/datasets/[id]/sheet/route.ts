import { datasetSheet, getDataset, pngResponse, route } from "@/lib/server";

/** A contact sheet of samples with their captions (made once, kept in the dataset folder). */
export const GET = route<undefined, { id: string }>({ access: "admin" }, async ({ viewer, params }) => {
  const d = getDataset(viewer, params.id);
  return pngResponse(await datasetSheet(d), { cache: "private" });
});
