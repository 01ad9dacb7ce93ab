import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { RateLimiter } from "@/lib/server/rate-limit";

describe("RateLimiter", () => {
  it("allows max hits per window, then refuses with the wait time, then allows again", () => {
    let t = 0;
    const rl = new RateLimiter(() => t);
    const rule = { max: 3, windowSec: 10 };
    for (let i = 0; i < 3; i++) rl.hit("k", rule);
    t = 4000;
    let err: unknown;
    try {
      rl.hit("k", rule, "sign-in attempts");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe("RATE_LIMITED");
    expect((err as AppError).message).toBe("Too many sign-in attempts. Try again in 6 s.");
    rl.hit("other", rule); // other keys are independent
    t = 10_000;
    expect(() => rl.hit("k", rule)).not.toThrow();
  });

  it("does nothing when the rule is off, and reset forgets a key", () => {
    const rl = new RateLimiter(() => 0);
    for (let i = 0; i < 100; i++) rl.hit("k", null);
    const rule = { max: 1, windowSec: 60 };
    rl.hit("a", rule);
    expect(() => rl.hit("a", rule)).toThrow(AppError);
    rl.reset("a");
    expect(() => rl.hit("a", rule)).not.toThrow();
  });
});
