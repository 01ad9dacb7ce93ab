import "server-only";
import { NextResponse } from "next/server";
import type { z } from "zod";
import { AppError, toErrorResponse } from "../../errors";
import { requireAdmin, requireViewer, type Viewer, viewerFromHeaders } from "../auth/session";

type Access = "public" | "user" | "admin";

export interface RouteContext<B, P> {
  req: Request;
  viewer: Viewer | null;
  body: B;
  params: P;
  ip: string;
}

/** Best guess at the client address: the first proxy hop when behind one, else "local". */
export function clientIp(h: Headers): string {
  const fwd = h.get("x-forwarded-for")?.split(",")[0]?.trim();
  return fwd || h.get("x-real-ip") || "local";
}

const MAX_JSON_BYTES = 64 * 1024;

async function readJson(req: Request): Promise<unknown> {
  const len = Number(req.headers.get("content-length") ?? 0);
  if (len > MAX_JSON_BYTES)
    throw new AppError("PAYLOAD_TOO_LARGE", `The request body is over ${MAX_JSON_BYTES} bytes.`);
  const text = await req.text();
  if (text.length > MAX_JSON_BYTES)
    throw new AppError("PAYLOAD_TOO_LARGE", `The request body is over ${MAX_JSON_BYTES} bytes.`);
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("VALIDATION", "The request body is not valid JSON.");
  }
}

/** Mutating requests from another site are refused (cookies are SameSite=Lax too; this is belt and braces). */
function assertSameOrigin(req: Request) {
  if (req.method === "GET" || req.method === "HEAD") return;
  const origin = req.headers.get("origin");
  if (!origin) return;
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host");
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    throw new AppError("FORBIDDEN", "The request's Origin header is invalid.");
  }
  if (host && originHost !== host) throw new AppError("FORBIDDEN", "Cross-site requests are not allowed.");
}

/**
 * The one wrapper every route handler uses: access check, JSON body parsed with zod, errors mapped to
 * `{error:{code,message}}` with the right status, unknown errors logged and answered as a generic 500.
 */
export function route<S extends z.ZodType | undefined = undefined, P = Record<string, string>>(
  opts: { access: Access; body?: S },
  handler: (
    ctx: RouteContext<S extends z.ZodType ? z.infer<S> : undefined, P>,
  ) => Promise<Response | Record<string, unknown> | unknown[]>,
) {
  return async (req: Request, routeCtx?: { params?: Promise<P> }): Promise<Response> => {
    try {
      assertSameOrigin(req);
      const viewer = await viewerFromHeaders(req.headers);
      if (opts.access === "user") requireViewer(viewer);
      if (opts.access === "admin") requireAdmin(viewer);
      const body = opts.body ? opts.body.parse(await readJson(req)) : undefined;
      const params = ((await routeCtx?.params) ?? {}) as P;
      const result = await handler({
        req,
        viewer,
        body: body as S extends z.ZodType ? z.infer<S> : undefined,
        params,
        ip: clientIp(req.headers),
      });
      return result instanceof Response ? result : NextResponse.json(result);
    } catch (err) {
      const { status, body } = toErrorResponse(err);
      const headers: Record<string, string> = {};
      const retry = (body.error.details as { retryAfterSec?: number } | undefined)?.retryAfterSec;
      if (retry) headers["retry-after"] = String(retry);
      return NextResponse.json(body, { status, headers });
    }
  };
}
