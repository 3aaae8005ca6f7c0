export interface RateLimitDecision {
  allowed: boolean;
  /** Requests left in the current window after this one. */
  remaining: number;
  /** Seconds until the window resets (when refused). */
  retryAfterSeconds: number;
}

/**
 * A counter of requests per key and fixed window. `take` counts one request and says whether it
 * is within `limit`. Shared by every replica of a service when backed by NATS KV (libs/http
 * `SharedRateLimiter`), so N replicas do not multiply a limit by N.
 */
export interface RateLimiter {
  take(key: string, limit: number): Promise<RateLimitDecision> | RateLimitDecision;
}
export const RATE_LIMITER = Symbol('RATE_LIMITER');

/**
 * In-memory fixed-window counter (per key, per window). Windows are aligned to the clock,
 * so every counter from an earlier window is stale and is dropped when a new one starts.
 * Per process: with N replicas a key gets up to N × its limit.
 */
export class FixedWindowRateLimiter implements RateLimiter {
  private windowStart = -1;
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  take(key: string, limit: number): RateLimitDecision {
    const t = this.now();
    const start = t - (t % this.windowMs);
    if (start !== this.windowStart) {
      this.counts.clear();
      this.windowStart = start;
    }
    const used = this.counts.get(key) ?? 0;
    if (used >= limit) {
      return {
        allowed: false,
        remaining: 0,
        retryAfterSeconds: Math.max(1, Math.ceil((start + this.windowMs - t) / 1000)),
      };
    }
    this.counts.set(key, used + 1);
    return { allowed: true, remaining: limit - used - 1, retryAfterSeconds: 0 };
  }
}
