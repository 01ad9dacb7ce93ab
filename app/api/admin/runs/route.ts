import { createRun, ensureWorker, listRuns, newRunSchema, route } from "@/lib/server";

export const GET = route({ access: "admin" }, async ({ viewer }) => ({ runs: listRuns(viewer) }));

/** Queue a training run; the worker process picks it up (one run at a time). */
export const POST = route({ access: "admin", body: newRunSchema }, async ({ viewer, body }) => {
  const run = createRun(viewer, body);
  ensureWorker();
  return { run };
});
