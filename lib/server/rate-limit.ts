/**
 * Fixed-window rate limiter kept in process memory (one Ganvas server process per data dir).
 * `hit` counts a request and throws RATE_LIMITED with the wait time when the window is full.
 */
import { AppError } from "../errors";

export interface RateRule {
  max: number;
  windowSec: number;
}

export class RateLimiter {
  private windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  hit(key: string, rule: RateRule | null, what = "requests"): void {
    if (!rule) return;
    const t = this.now();
    const w = this.windows.get(key);
    if (!w || t - w.start >= rule.windowSec * 1000) {
      this.windows.set(key, { start: t, count: 1 });
      this.sweep(t, rule);
      return;
    }
    if (w.count >= rule.max) {
      const waitSec = Math.max(1, Math.ceil((w.start + rule.windowSec * 1000 - t) / 1000));
      throw new AppError("RATE_LIMITED", `Too many ${what}. Try again in ${waitSec} s.`, {
        retryAfterSec: waitSec,
      });
    }
    w.count += 1;
  }

  /** forget a key (e.g. after a successful sign-in) */
  reset(key: string): void {
    this.windows.delete(key);
  }

  private sweep(t: number, rule: RateRule) {
    if (this.windows.size < 10_000) return;
    for (const [k, w] of this.windows) if (t - w.start >= rule.windowSec * 1000) this.windows.delete(k);
  }
}

const g = globalThis as unknown as { ganvasRateLimiter?: RateLimiter };
export function rateLimiter(): RateLimiter {
  g.ganvasRateLimiter ??= new RateLimiter();
  return g.ganvasRateLimiter;
}
