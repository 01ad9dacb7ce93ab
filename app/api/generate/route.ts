import { config } from "@/lib/config";
import { toErrorResponse } from "@/lib/errors";
import type { GenerateEvent } from "@/lib/generate-events";
import { generateForViewer, generateRequestSchema, rateLimiter, route, servingModel } from "@/lib/server";

export const dynamic = "force-dynamic";

/**
 * POST /api/generate {prompt, count?, seed?, truncation?, live?, variation?} → NDJSON stream:
 * start, then per image a 64 px preview and its final, then done. Closing the connection stops the work.
 */
export const POST = route(
  { access: "public", body: generateRequestSchema },
  async ({ req, viewer, body, ip }) => {
    const cfg = config();
    if (viewer) rateLimiter().hit(`gen:user:${viewer.id}`, cfg.generateRateLimit, "generate requests");
    else rateLimiter().hit(`gen:ip:${ip}`, cfg.generateAnonRateLimit, "generate requests (sign in for more)");
    const { model, encoder } = await servingModel();

    const abort = new AbortController();
    req.signal.addEventListener("abort", () => abort.abort());
    const events = generateForViewer(viewer, body, model, encoder, abort.signal);
    const enc = new TextEncoder();
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const { value, done } = await events.next();
          if (done) controller.close();
          else controller.enqueue(enc.encode(`${JSON.stringify(value)}\n`));
        } catch (err) {
          if (abort.signal.aborted) return controller.close();
          const { body: errBody } = toErrorResponse(err);
          const ev: GenerateEvent = {
            type: "error",
            code: errBody.error.code,
            message: errBody.error.message,
          };
          controller.enqueue(enc.encode(`${JSON.stringify(ev)}\n`));
          controller.close();
        }
      },
      async cancel() {
        abort.abort();
        await events.return(undefined);
      },
    });
    return new Response(stream, {
      headers: {
        "content-type": "application/x-ndjson; charset=utf-8",
        "cache-control": "no-store",
        "x-accel-buffering": "no",
      },
    });
  },
);
