import { NextResponse } from "next/server";

/** A JSON response that also sets the given cookies (as produced by Better Auth). */
export function jsonWithCookies(body: unknown, cookies: string[], status = 200): NextResponse {
  const res = NextResponse.json(body, { status });
  for (const c of cookies) res.headers.append("set-cookie", c);
  return res;
}
