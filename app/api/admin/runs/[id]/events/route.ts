import { getRun, latestSample, readProgress, route, runCheckpointsView, runDirAbs } from "@/lib/server";

export const dynamic = "force-dynamic";

/**
 * Server-sent events for the live view: `progress` (new lines of the run's progress log, from the start),
 * `run` (status, step, ETA whenever they change) and `files` (latest sample grid, checkpoints with their
 * evaluation, metrics of every evaluated checkpoint). Polls the run
 * folder and the database twice a second for as long as the page is open.
 */
export const GET = route<undefined, { id: string }>({ access: "admin" }, async ({ req, viewer, params }) => {
  const first = getRun(viewer, params.id);
  const dir = runDirAbs(first);
  const enc = new TextEncoder();
  let offset = 0;
  let lastRun = "";
  let lastFiles = "";
  let timer: ReturnType<typeof setTimeout> | null = null;
  let closed = false;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      // a tick in flight when the page goes away must not write to the closed stream
      const send = (event: string, data: unknown) => {
        if (closed || req.signal.aborted) return;
        try {
          controller.enqueue(enc.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
        } catch {
          closed = true;
        }
      };
      const tick = async () => {
        if (closed || req.signal.aborted) return;
        try {
          const chunk = await readProgress(dir, offset);
          offset = chunk.next;
          if (chunk.events.length) send("progress", chunk.events);
          const run = getRun(viewer, params.id);
          const runKey = JSON.stringify([
            run.status,
            run.step,
            run.etaSec,
            run.error,
            run.requestedAction,
            run.queuePosition,
          ]);
          if (runKey !== lastRun) {
            lastRun = runKey;
            send("run", run);
          }
          const files = { sample: await latestSample(dir), ...(await runCheckpointsView(params.id, dir)) };
          const filesKey = JSON.stringify(files);
          if (filesKey !== lastFiles) {
            lastFiles = filesKey;
            send("files", files);
          }
        } catch (err) {
          send("failure", { message: (err as Error).message });
        }
        if (!closed && !req.signal.aborted) timer = setTimeout(tick, 500);
      };
      req.signal.addEventListener("abort", () => {
        closed = true;
        if (timer) clearTimeout(timer);
        try {
          controller.close();
        } catch {
          // already closed
        }
      });
      void tick();
    },
    cancel() {
      closed = true;
      if (timer) clearTimeout(timer);
    },
  });
  return new Response(stream, {
    headers: { "content-type": "text/event-stream", "cache-control": "no-store", "x-accel-buffering": "no" },
  });
});
