import { firstValues, imageListQuerySchema, listImages, route, toImageQuery } from "@/lib/server";

/** GET /api/images?scope=public|mine&q=&model=&from=&to=&page=&history=1 */
export const GET = route({ access: "public" }, async ({ req, viewer }) => {
  const sp = new URL(req.url).searchParams;
  const scope = sp.get("scope") === "mine" ? "mine" : "public";
  const q = imageListQuerySchema.parse(firstValues(sp));
  return listImages(viewer, toImageQuery(scope, q));
});
