import { listModelVersions, route } from "@/lib/server";

export const GET = route({ access: "admin" }, async ({ viewer }) => ({
  modelVersions: await listModelVersions(viewer),
}));
