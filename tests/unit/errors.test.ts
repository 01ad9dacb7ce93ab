import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { AppError, ERROR_STATUS, toErrorResponse } from "@/lib/errors";

describe("error mapping", () => {
  it.each(Object.entries(ERROR_STATUS))("maps AppError %s to HTTP %i", (code, status) => {
    const { status: s, body } = toErrorResponse(new AppError(code as keyof typeof ERROR_STATUS, "msg"));
    expect(s).toBe(status);
    expect(body).toEqual({ error: { code, message: "msg" } });
  });

  it("maps zod errors to 422 with a readable message and the paths", () => {
    const schema = z.object({ username: z.string().min(3), age: z.number() });
    const err = schema.safeParse({ username: "a", age: "x" }).error;
    const { status, body } = toErrorResponse(err);
    expect(status).toBe(422);
    expect(body.error.code).toBe("VALIDATION");
    expect(body.error.message).toMatch(/^username: .*3.*; age: /);
    expect(body.error.details?.issues).toHaveLength(2);
  });

  it("answers unknown errors with a generic 500 and logs them, leaking nothing", () => {
    const log = vi.fn();
    const secret = new Error("SQLITE_CORRUPT at /srv/secret/path.db");
    const { status, body } = toErrorResponse(secret, log);
    expect(status).toBe(500);
    expect(JSON.stringify(body)).not.toMatch(/SQLITE|secret|stack|at /);
    expect(log).toHaveBeenCalledWith("Unhandled error", secret);
  });

  it("keeps details when given", () => {
    const { body } = toErrorResponse(new AppError("RATE_LIMITED", "slow down", { retryAfterSec: 3 }));
    expect(body.error.details).toEqual({ retryAfterSec: 3 });
  });
});
