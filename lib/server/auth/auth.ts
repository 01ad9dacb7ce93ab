import "server-only";
import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { admin, username } from "better-auth/plugins";
import { config } from "../../config";
import { db, tables } from "../db";
import { USERNAME_MAX, USERNAME_MIN, USERNAME_RE } from "./rules";
import { resolveAuthSecret } from "./secret";

function createAuth() {
  const cfg = config();
  return betterAuth({
    appName: "Ganvas",
    secret: resolveAuthSecret(cfg.dataDir, cfg.authSecret),
    // the app is reached as localhost, 127.0.0.1 or a LAN name: accept the host the request came in on
    baseURL: cfg.baseUrl ?? { allowedHosts: ["*"], fallback: "http://localhost:3000" },
    database: drizzleAdapter(db(), {
      provider: "sqlite",
      schema: {
        user: tables.user,
        session: tables.session,
        account: tables.account,
        verification: tables.verification,
      },
    }),
    telemetry: { enabled: false },
    emailAndPassword: { enabled: true, minPasswordLength: 8, maxPasswordLength: 128, autoSignIn: true },
    session: { expiresIn: 60 * 60 * 24 * 30, updateAge: 60 * 60 * 24 },
    // Sign-in and sign-up go through our own routes (validation, 422s, our rate limiter); the raw endpoints
    // are switched off so nothing can bypass those checks.
    disabledPaths: ["/sign-up/email", "/sign-in/email", "/sign-in/username"],
    rateLimit: { enabled: false },
    // Secure cookies only when the configured public URL is https: plain-http LAN installs must still sign in
    advanced: { cookiePrefix: "ganvas", useSecureCookies: cfg.baseUrl?.startsWith("https://") ?? false },
    plugins: [
      username({
        minUsernameLength: USERNAME_MIN,
        maxUsernameLength: USERNAME_MAX,
        usernameValidator: (u) => USERNAME_RE.test(u),
      }),
      admin({ defaultRole: "user", adminRoles: ["admin"] }),
    ],
  });
}

export type Auth = ReturnType<typeof createAuth>;

const g = globalThis as unknown as { ganvasAuth?: Auth };
/** Created lazily: nothing may open the database during `next build`. */
export function auth(): Auth {
  g.ganvasAuth ??= createAuth();
  return g.ganvasAuth;
}
