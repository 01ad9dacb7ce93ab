import { z } from "zod";
import { deleteImage, getImage, route, updateImage } from "@/lib/server";

type P = { id: string };
const patchSchema = z
  .object({ visibility: z.enum(["private", "public"]).optional(), saved: z.boolean().optional() })
  .strict()
  .refine((b) => b.visibility !== undefined || b.saved !== undefined, {
    error: "give visibility and/or saved",
  });

export const GET = route<undefined, P>({ access: "public" }, async ({ viewer, params }) => ({
  image: getImage(viewer, params.id),
}));

export const PATCH = route<typeof patchSchema, P>(
  { access: "user", body: patchSchema },
  async ({ viewer, params, body }) => ({ image: updateImage(viewer, params.id, body) }),
);

export const DELETE = route<undefined, P>({ access: "user" }, async ({ viewer, params }) => {
  await deleteImage(viewer, params.id);
  return { ok: true };
});
