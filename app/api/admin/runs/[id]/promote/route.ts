import { promoteCheckpoint, promoteSchema, route } from "@/lib/server";

/** Promote one of the run's checkpoints to a named model version; serving switches to it at once. */
export const POST = route<typeof promoteSchema, { id: string }>(
  { access: "admin", body: promoteSchema },
  async ({ viewer, params, body }) => ({ modelVersion: await promoteCheckpoint(viewer, params.id, body) }),
);
