import { ensureWorker, requestEvalNets, route } from "@/lib/server";

/** Ask the worker to train (or retrain) the dataset's evaluation networks; checkpoints can be scored after. */
export const POST = route<undefined, { id: string }>({ access: "admin" }, async ({ viewer, params }) => {
  requestEvalNets(viewer, params.id);
  ensureWorker();
  return { queued: true };
});
