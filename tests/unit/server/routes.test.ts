import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Real route handlers against a real SQLite database in a fresh data directory.
const dataDir = mkdtempSync(path.join(os.tmpdir(), "ganvas-routes-"));
process.env.GANVAS_DATA_DIR = dataDir;
process.env.GANVAS_SIGNIN_RATE_LIMIT = "off";
process.env.GANVAS_SIGNUP_RATE_LIMIT = "off";

const setup = await import("@/app/api/setup/route");
const signUp = await import("@/app/api/account/sign-up/route");
const signIn = await import("@/app/api/account/sign-in/route");
const users = await import("@/app/api/admin/users/route");
const userById = await import("@/app/api/admin/users/[id]/route");

function post(body: unknown, headers: Record<string, string> = {}) {
  return new Request("http://localhost/api/x", {
    method: "POST",
    headers: { "content-type": "application/json", host: "localhost", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}
const cookieOf = (res: Response) => res.headers.getSetCookie()[0]?.split(";")[0] ?? "";

let adminCookie = "";
let userCookie = "";
let userId = "";

beforeAll(async () => {
  const a = await setup.POST(post({ username: "admin", password: "password123" }));
  expect(a.status).toBe(201);
  adminCookie = cookieOf(a);
  const u = await signUp.POST(post({ username: "user1", password: "password123" }));
  expect(u.status).toBe(201);
  userCookie = cookieOf(u);
  userId = ((await u.json()) as { userId: string }).userId;
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const hostile: [string, unknown][] = [
  ["empty object", {}],
  ["empty strings", { username: "", password: "" }],
  ["wrong types", { username: 42, password: ["x"] }],
  ["null", null],
  ["array", [1, 2, 3]],
  ["too long", { username: "a".repeat(5000), password: "b".repeat(5000) }],
  ["unicode username", { username: "名前🙂", password: "password123" }],
  ["SQL injection", { username: "x' OR '1'='1'; DROP TABLE user;--", password: "password123" }],
  ["HTML injection", { username: "<script>alert(1)</script>", password: "password123" }],
  ["prototype pollution", JSON.parse('{"__proto__":{"role":"admin"},"username":"p","password":"x"}')],
  ["not JSON", "{username: 'x'"],
];

describe("bad input gets 422 with a message, never a 500 or a stack trace", () => {
  for (const [name, body] of hostile) {
    it(`sign-up: ${name}`, async () => {
      const res = await signUp.POST(post(body));
      expect(res.status).toBe(422);
      const json = (await res.json()) as { error: { code: string; message: string } };
      expect(json.error.code).toBe("VALIDATION");
      expect(json.error.message.length).toBeGreaterThan(5);
      expect(JSON.stringify(json)).not.toMatch(/\bat .*\.(ts|js):\d+/);
    });
  }

  it("sign-in with empty fields gets 422; a wrong password gets 401 with a clear message", async () => {
    expect((await signIn.POST(post({ username: "", password: "" }))).status).toBe(422);
    const res = await signIn.POST(post({ username: "user1", password: "wrong-password" }));
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      error: { code: "UNAUTHENTICATED", message: "Wrong username or password." },
    });
  });

  it("an oversized body is refused with 413", async () => {
    const res = await signIn.POST(post({ username: "x", password: "y".repeat(100_000) }));
    expect(res.status).toBe(413);
  });

  it("a cross-site POST is refused", async () => {
    const res = await signIn.POST(
      post({ username: "user1", password: "password123" }, { origin: "https://evil.example" }),
    );
    expect(res.status).toBe(403);
  });
});

describe("role checks on admin API routes", () => {
  const get = (cookie?: string) =>
    new Request("http://localhost/api/admin/users", { headers: cookie ? { cookie } : {} });
  const patch = (body: unknown, cookie?: string) =>
    new Request(`http://localhost/api/admin/users/${userId}`, {
      method: "PATCH",
      headers: { "content-type": "application/json", ...(cookie ? { cookie } : {}) },
      body: JSON.stringify(body),
    });
  const params = () => ({ params: Promise.resolve({ id: userId }) });

  it("anonymous → 401, user → 403, admin → 200", async () => {
    expect((await users.GET(get())).status).toBe(401);
    expect((await users.GET(get(userCookie))).status).toBe(403);
    const ok = await users.GET(get(adminCookie));
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { users: unknown[] }).users).toHaveLength(2);
  });

  it("a user cannot make themselves admin through the API", async () => {
    const res = await userById.PATCH(patch({ role: "admin" }, userCookie), params());
    expect(res.status).toBe(403);
    const list = (await (await users.GET(get(adminCookie))).json()) as {
      users: { id: string; role: string }[];
    };
    expect(list.users.find((u) => u.id === userId)?.role).toBe("user");
  });

  it("admin PATCH validates its body", async () => {
    expect((await userById.PATCH(patch({ role: "superuser" }, adminCookie), params())).status).toBe(422);
    expect((await userById.PATCH(patch({}, adminCookie), params())).status).toBe(422);
    expect((await userById.PATCH(patch({ role: "user", extra: 1 }, adminCookie), params())).status).toBe(422);
    const ok = await userById.PATCH(patch({ disabled: true }, adminCookie), params());
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { user: { disabled: boolean } }).user.disabled).toBe(true);
  });
});
