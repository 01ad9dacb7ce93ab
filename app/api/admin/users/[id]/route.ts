import { z } from "zod";
import { roleSchema, route, setUserDisabled, setUserRole, type UserSummary } from "@/lib/server";

const patchSchema = z
  .object({ role: roleSchema.optional(), disabled: z.boolean().optional() })
  .strict()
  .refine((b) => b.role !== undefined || b.disabled !== undefined, { error: "give role and/or disabled" });

export const PATCH = route<typeof patchSchema, { id: string }>(
  { access: "admin", body: patchSchema },
  async ({ viewer, body, params }) => {
    let user: UserSummary | undefined;
    if (body.role !== undefined) user = setUserRole(viewer, params.id, body.role);
    if (body.disabled !== undefined) user = setUserDisabled(viewer, params.id, body.disabled);
    return { user };
  },
);
