import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "@/lib/config";

describe("config", () => {
  it("works with no configuration at all", () => {
    const c = parseConfig({});
    expect(c.dataDir).toBe(path.resolve("data"));
    expect(c.dbFile).toBe(path.join(path.resolve("data"), "ganvas.db"));
    expect(c.signInRateLimit).toEqual({ max: 5, windowSec: 60 });
    expect(c.allowSignUp).toBe(true);
    expect(c.defaultVisibility).toBe("private");
    expect(c.textEncoder).toBe("ganvas/use-lite");
  });

  it("reads and converts values", () => {
    const c = parseConfig({
      GANVAS_DATA_DIR: "/srv/ganvas",
      GANVAS_SIGNIN_RATE_LIMIT: "off",
      GANVAS_ALLOW_SIGNUP: "no",
      GANVAS_BASE_URL: "https://ganvas.example.com/",
      GANVAS_DEFAULT_VISIBILITY: "public",
    });
    expect(c.dataDir).toBe("/srv/ganvas");
    expect(c.signInRateLimit).toBeNull();
    expect(c.allowSignUp).toBe(false);
    expect(c.baseUrl).toBe("https://ganvas.example.com");
    expect(c.defaultVisibility).toBe("public");
  });

  it("treats empty strings as unset", () => {
    expect(parseConfig({ GANVAS_BASE_URL: "", GANVAS_AUTH_SECRET: "" }).baseUrl).toBeUndefined();
  });

  it.each([
    ["GANVAS_SIGNIN_RATE_LIMIT", "lots", /GANVAS_SIGNIN_RATE_LIMIT="lots": must look like "5\/60"/],
    ["GANVAS_ALLOW_SIGNUP", "maybe", /GANVAS_ALLOW_SIGNUP="maybe": must be one of/],
    ["GANVAS_BASE_URL", "ganvas.local", /GANVAS_BASE_URL="ganvas.local": must be an absolute URL/],
    ["GANVAS_AUTH_SECRET", "short", /GANVAS_AUTH_SECRET="short": must be at least 32 characters/],
    ["GANVAS_DEFAULT_VISIBILITY", "friends", /GANVAS_DEFAULT_VISIBILITY="friends"/],
    ["GANVAS_TF_BACKEND", "cuda", /GANVAS_TF_BACKEND="cuda"/],
  ])("rejects a bad %s with a message naming it", (name, value, pattern) => {
    expect(() => parseConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => parseConfig({ [name]: value })).toThrow(pattern);
  });

  it("lists every bad variable at once", () => {
    try {
      parseConfig({ GANVAS_ALLOW_SIGNUP: "maybe", GANVAS_BASE_URL: "nope" });
      expect.unreachable();
    } catch (err) {
      expect(String(err)).toMatch(/GANVAS_ALLOW_SIGNUP/);
      expect(String(err)).toMatch(/GANVAS_BASE_URL/);
    }
  });
});
