import { mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppError } from "@/lib/errors";

// a fresh data directory for this file: the real SQLite database, migrations and Better Auth
const dataDir = mkdtempSync(path.join(os.tmpdir(), "ganvas-dal-"));
process.env.GANVAS_DATA_DIR = dataDir;
process.env.GANVAS_SIGNIN_RATE_LIMIT = "3/60";
process.env.GANVAS_SIGNUP_RATE_LIMIT = "off";

const server = await import("@/lib/server");
const h = () => new Headers();

async function code(p: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof p === "function" ? p() : p);
  } catch (err) {
    return (err as AppError).code ?? String(err);
  }
  return "OK";
}

let adminId: string;
let aliceId: string;

beforeAll(async () => {
  expect(server.needsSetup()).toBe(true);
  // sign-up is closed until an admin exists
  expect(await code(server.signUp("early", "password123", h(), "ip1"))).toBe("CONFLICT");
  adminId = (await server.setupAdmin("root", "password123", h())).userId;
  aliceId = (await server.signUp("alice", "password123", h(), "ip1")).userId;
  await server.signUp("bob", "password123", h(), "ip1");
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const admin = () => ({ id: adminId, username: "root", role: "admin" as const });
const alice = () => ({ id: aliceId, username: "alice", role: "user" as const });

describe("first-run setup", () => {
  it("creates the admin once, then refuses", async () => {
    expect(server.needsSetup()).toBe(false);
    expect(await code(server.setupAdmin("root2", "password123", h()))).toBe("CONFLICT");
    const users = server.listUsers(admin());
    expect(users.find((u) => u.username === "root")?.role).toBe("admin");
  });

  it("generates the auth secret with owner-only permissions", () => {
    expect(statSync(path.join(dataDir, "auth-secret")).mode & 0o777).toBe(0o600);
  });
});

describe("accounts", () => {
  it("gives new accounts the user role and refuses a taken username", async () => {
    expect(server.listUsers(admin()).find((u) => u.id === aliceId)?.role).toBe("user");
    expect(await code(server.signUp("alice", "password123", h(), "ip1"))).toBe("CONFLICT");
    expect(await code(server.signUp("ALICE", "password123", h(), "ip1"))).toBe("CONFLICT");
  });

  it("signs in with the right password and returns a session cookie", async () => {
    const r = await server.signIn("alice", "password123", h(), "ip2");
    expect(r.userId).toBe(aliceId);
    expect(r.setCookies.join(";")).toMatch(/ganvas\.session_token=/);
  });

  it("refuses a wrong password with UNAUTHENTICATED and rate-limits repeated tries", async () => {
    expect(await code(server.signIn("bob", "wrong-password", h(), "ip3"))).toBe("UNAUTHENTICATED");
    expect(await code(server.signIn("bob", "wrong-password", h(), "ip3"))).toBe("UNAUTHENTICATED");
    expect(await code(server.signIn("bob", "wrong-password", h(), "ip3"))).toBe("UNAUTHENTICATED");
    expect(await code(server.signIn("bob", "password123", h(), "ip3"))).toBe("RATE_LIMITED");
    // another address is not affected
    expect(await code(server.signIn("bob", "password123", h(), "ip4"))).toBe("OK");
  });

  it("refuses an unknown user like a wrong password (no user enumeration)", async () => {
    expect(await code(server.signIn("nobody", "password123", h(), "ip5"))).toBe("UNAUTHENTICATED");
  });
});

describe("data access authorisation: users", () => {
  it("lets only admins list users", () => {
    expect(server.listUsers(admin()).map((u) => u.username)).toEqual(["root", "alice", "bob"]);
    expect(() => server.listUsers(alice())).toThrow(expect.objectContaining({ code: "FORBIDDEN" }));
    expect(() => server.listUsers(null)).toThrow(expect.objectContaining({ code: "UNAUTHENTICATED" }));
  });

  it("does not let a user raise their own role", () => {
    expect(() => server.setUserRole(alice(), aliceId, "admin")).toThrow(
      expect.objectContaining({ code: "FORBIDDEN" }),
    );
    expect(server.listUsers(admin()).find((u) => u.id === aliceId)?.role).toBe("user");
  });

  it("a viewer object claiming admin is checked by role only where the session layer made it", async () => {
    // viewerFromHeaders reads the role from the database, so a forged cookie-less request is anonymous
    expect(await server.viewerFromHeaders(new Headers({ cookie: "ganvas.session_token=forged" }))).toBeNull();
  });

  it("lets admins change roles but never demote the last admin", () => {
    expect(() => server.setUserRole(admin(), adminId, "user")).toThrow(
      expect.objectContaining({ code: "CONFLICT" }),
    );
    expect(server.setUserRole(admin(), aliceId, "admin").role).toBe("admin");
    expect(server.setUserRole(admin(), aliceId, "user").role).toBe("user");
    expect(() => server.setUserRole(admin(), "no-such-id", "user")).toThrow(
      expect.objectContaining({ code: "NOT_FOUND" }),
    );
  });

  it("disabling a user ends their sessions and blocks sign-in; enabling restores it", async () => {
    const { setCookies } = await server.signIn("alice", "password123", h(), "ip6");
    const cookie = setCookies[0].split(";")[0];
    expect((await server.viewerFromHeaders(new Headers({ cookie })))?.id).toBe(aliceId);
    expect(() => server.setUserDisabled(alice(), aliceId, true)).toThrow(
      expect.objectContaining({ code: "FORBIDDEN" }),
    );
    expect(server.setUserDisabled(admin(), aliceId, true).disabled).toBe(true);
    expect(await server.viewerFromHeaders(new Headers({ cookie }))).toBeNull();
    expect(await code(server.signIn("alice", "password123", h(), "ip7"))).toBe("FORBIDDEN");
    expect(server.setUserDisabled(admin(), aliceId, false).disabled).toBe(false);
    expect(await code(server.signIn("alice", "password123", h(), "ip8"))).toBe("OK");
  });

  it("an admin cannot disable themselves", () => {
    expect(() => server.setUserDisabled(admin(), adminId, true)).toThrow(
      expect.objectContaining({ code: "CONFLICT" }),
    );
  });
});

describe("disabled accounts", () => {
  it("a wrong password on a disabled account says wrong password, not disabled", async () => {
    const bobId = server.listUsers(admin()).find((u) => u.username === "bob")?.id as string;
    server.setUserDisabled(admin(), bobId, true);
    expect(await code(server.signIn("bob", "not-the-password", h(), "ip9"))).toBe("UNAUTHENTICATED");
    expect(await code(server.signIn("bob", "password123", h(), "ip10"))).toBe("FORBIDDEN");
  });
});
