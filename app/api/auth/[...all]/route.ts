import { auth } from "@/lib/server";

// Better Auth's own endpoints (session, sign-out...). Sign-in and sign-up are disabled here and served by
// /api/account/* so they share our validation, error format and rate limits.
export const GET = (req: Request) => auth().handler(req);
export const POST = (req: Request) => auth().handler(req);
