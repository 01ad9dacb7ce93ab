import { z } from "zod";
import { controlRun, ensureWorker, route } from "@/lib/server";

const schema = z.object({ action: z.enum(["pause", "resume", "cancel"]) }).strict();

export const POST = route<typeof schema, { id: string }>(
  { access: "admin", body: schema },
  async ({ viewer, params, body }) => {
    const run = controlRun(viewer, params.id, body.action);
    if (body.action === "resume") ensureWorker();
    return { run };
  },
);
