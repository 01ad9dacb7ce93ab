import { z } from "zod";
import { IMPORT_FORMATS } from "@/lib/data";
import { datasetNameSchema, ensureWorker, listDatasets, queueDatasetImport, route } from "@/lib/server";

const createSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("builtin"), name: datasetNameSchema }).strict(),
  z
    .object({
      kind: z.literal("path"),
      name: datasetNameSchema,
      format: z.enum(IMPORT_FORMATS as unknown as [string, ...string[]]),
      path: z
        .string()
        .trim()
        .min(1, { error: "give the folder or file on the server" })
        .max(4096)
        .startsWith("/", {
          error: "give an absolute path on the server, e.g. /srv/data/birds",
        }),
    })
    .strict(),
]);

export const GET = route({ access: "admin" }, async ({ viewer }) => ({
  datasets: await listDatasets(viewer),
}));

/** Build the built-in emoji set, or import a folder/file that is already on the server. Uploads: ./upload. */
export const POST = route({ access: "admin", body: createSchema }, async ({ viewer, body }) => {
  const dataset = queueDatasetImport(
    viewer,
    body.name,
    body.kind === "builtin" ? { kind: "builtin" } : { kind: "path", format: body.format, src: body.path },
  );
  ensureWorker();
  return { dataset };
});
