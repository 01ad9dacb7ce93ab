import { getSessionCookie } from "better-auth/cookies";
import { type NextRequest, NextResponse } from "next/server";

/**
 * Cheap first gate: pages that need an account send visitors without a session cookie to sign-in.
 * The real checks (valid session, role) happen in the pages and routes themselves.
 */
export function proxy(req: NextRequest) {
  if (!getSessionCookie(req, { cookiePrefix: "ganvas" })) {
    const url = new URL("/sign-in", req.url);
    url.searchParams.set("next", req.nextUrl.pathname + req.nextUrl.search);
    return NextResponse.redirect(url);
  }
  return NextResponse.next();
}

export const config = { matcher: ["/admin/:path*", "/gallery/mine/:path*"] };
