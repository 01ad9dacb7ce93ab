import { z } from "zod";
import { ensureWorker, requestCheckpointEval, route } from "@/lib/server";

const evaluateSchema = z.object({ step: z.number().int().min(0) }).strict();

/** Ask the worker to evaluate one of the run's checkpoints (R-precision, Fréchet distance, IS-like score). */
export const POST = route<typeof evaluateSchema, { id: string }>(
  { access: "admin", body: evaluateSchema },
  async ({ viewer, params, body }) => {
    await requestCheckpointEval(viewer, params.id, body.step);
    ensureWorker();
    return { queued: true };
  },
);
