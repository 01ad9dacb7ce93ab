import "server-only";
import { and, eq, ne } from "drizzle-orm";
import { config } from "../../config";
import { AppError } from "../../errors";
import { db, tables } from "../db";
import { rateLimiter } from "../rate-limit";
import { auth } from "./auth";
import { placeholderEmail, type Role } from "./rules";

const SETUP_KEY = "setup.admin-claimed";

/** Result of a sign-in/up: the cookies Better Auth wants set, to be copied onto our response. */
export interface AuthResult {
  userId: string;
  setCookies: string[];
}

function cookiesFrom(h: Headers): string[] {
  return h.getSetCookie();
}

/** Better Auth's APIError (checked by shape: the class exists in more than one bundled copy). */
function isAuthApiError(
  err: unknown,
): err is { statusCode: number; body?: { message?: string; code?: string } } {
  return (
    err instanceof Error &&
    err.name === "APIError" &&
    typeof (err as { statusCode?: unknown }).statusCode === "number"
  );
}

/** True while no administrator exists: the one-time setup page is shown. */
export function needsSetup(): boolean {
  const row = db()
    .select({ id: tables.user.id })
    .from(tables.user)
    .where(eq(tables.user.role, "admin"))
    .get();
  return !row;
}

async function createAccount(username: string, password: string, headers: Headers): Promise<AuthResult> {
  const taken = db()
    .select({ id: tables.user.id })
    .from(tables.user)
    .where(eq(tables.user.username, username.toLowerCase()))
    .get();
  if (taken) throw new AppError("CONFLICT", `The username "${username}" is taken. Choose another one.`);
  try {
    const { headers: out, response } = await auth().api.signUpEmail({
      body: { email: placeholderEmail(username), password, name: username, username },
      headers,
      returnHeaders: true,
    });
    return { userId: response.user.id, setCookies: cookiesFrom(out) };
  } catch (err) {
    if (isAuthApiError(err)) {
      const msg = String(err.body?.message ?? "The account could not be created.");
      if (/already|exists|taken/i.test(msg))
        throw new AppError("CONFLICT", `The username "${username}" is taken. Choose another one.`);
      throw new AppError("VALIDATION", msg);
    }
    throw err;
  }
}

export async function signUp(username: string, password: string, headers: Headers, ip: string) {
  if (!config().allowSignUp)
    throw new AppError(
      "FORBIDDEN",
      "Sign-up is closed on this instance. Ask an administrator for an account.",
    );
  if (needsSetup())
    throw new AppError(
      "CONFLICT",
      "This instance has no administrator yet. Open /setup to create one first.",
    );
  rateLimiter().hit(`signup:${ip}`, config().signUpRateLimit, "sign-up attempts");
  return createAccount(username, password, headers);
}

/** The one-time first-run setup: creates the first administrator. Refused once an admin exists. */
export async function setupAdmin(username: string, password: string, headers: Headers): Promise<AuthResult> {
  if (!needsSetup())
    throw new AppError("CONFLICT", "Setup is already done: an administrator exists. Sign in instead.");
  const claimed = db()
    .insert(tables.setting)
    .values({ key: SETUP_KEY, value: { at: Date.now() } })
    .onConflictDoNothing()
    .run();
  if (claimed.changes === 0)
    throw new AppError("CONFLICT", "Setup is already in progress or done. Sign in instead.");
  try {
    const result = await createAccount(username, password, headers);
    db().update(tables.user).set({ role: "admin" }).where(eq(tables.user.id, result.userId)).run();
    return result;
  } catch (err) {
    db().delete(tables.setting).where(eq(tables.setting.key, SETUP_KEY)).run();
    throw err;
  }
}

/** Create an account from the shell (`npm run user:create`); no session is made. */
export async function createUserDirect(username: string, password: string, role: Role): Promise<string> {
  const { userId } = await createAccount(username, password, new Headers());
  if (role !== "user") db().update(tables.user).set({ role }).where(eq(tables.user.id, userId)).run();
  // a session was created by sign-up's auto sign-in: a shell has no use for it
  db().delete(tables.session).where(eq(tables.session.userId, userId)).run();
  return userId;
}

export async function signIn(username: string, password: string, headers: Headers, ip: string) {
  const key = `signin:${ip}:${username.toLowerCase()}`;
  rateLimiter().hit(key, config().signInRateLimit, "sign-in attempts");
  try {
    const { headers: out, response } = await auth().api.signInUsername({
      body: { username, password },
      headers,
      returnHeaders: true,
    });
    if (!response) throw new AppError("UNAUTHENTICATED", "Wrong username or password.");
    rateLimiter().reset(key);
    return { userId: response.user.id, setCookies: cookiesFrom(out) } satisfies AuthResult;
  } catch (err) {
    // the admin plugin checks the ban only after the password matched, so this reveals nothing to a guesser
    if (isAuthApiError(err) && err.body?.code === "BANNED_USER")
      throw new AppError("FORBIDDEN", "This account is disabled. Ask an administrator to enable it.");
    if (isAuthApiError(err)) throw new AppError("UNAUTHENTICATED", "Wrong username or password.");
    throw err;
  }
}

export async function signOut(headers: Headers): Promise<string[]> {
  try {
    const { headers: out } = await auth().api.signOut({ headers, returnHeaders: true });
    return cookiesFrom(out);
  } catch (err) {
    if (isAuthApiError(err)) return [];
    throw err;
  }
}

/** Count admins other than `userId` (to refuse removing the last one). */
export function otherAdminCount(userId: string): number {
  return db()
    .select({ id: tables.user.id })
    .from(tables.user)
    .where(and(eq(tables.user.role, "admin"), ne(tables.user.id, userId), eq(tables.user.banned, false)))
    .all().length;
}
