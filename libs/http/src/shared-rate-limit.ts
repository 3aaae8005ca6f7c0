import { createHash } from 'node:crypto';
import { Kvm, type KV } from '@nats-io/kv';
import { StorageType } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { FixedWindowRateLimiter, type RateLimitDecision, type RateLimiter } from '@openlgsp/auth';
import { createLogger } from '@openlgsp/telemetry';

export interface SharedRateLimiterOptions {
  /** Window length in ms (fixed windows aligned to the clock). Default one minute. */
  windowMs?: number;
  /** How long one count may take before this replica decides alone (its own in-memory count). */
  timeoutMs?: number;
  /** Compare-and-set attempts under contention before deciding alone. */
  attempts?: number;
  replicas?: number;
  now?: () => number;
}

/**
 * Fixed-window counters every replica of a service shares, in a NATS KV bucket `rate-limits-<service>`
 * (memory storage, entries expire after two windows): one key per (caller, window), incremented by
 * compare-and-set on its revision, so two replicas never both take the last request of a window.
 * NATS rather than the store: it is the bus every replica already holds, a count is one in-memory
 * read and write on the server (no disk, no index), and the bucket replicates with the cluster.
 * If NATS does not answer in time, the replica counts alone (as before), so an outage of the bus
 * never refuses a request.
 */
export class SharedRateLimiter implements RateLimiter {
  private readonly windowMs: number;
  private readonly timeoutMs: number;
  private readonly attempts: number;
  private readonly now: () => number;
  private readonly local: FixedWindowRateLimiter;
  private readonly logger;
  private bucket?: Promise<KV>;

  constructor(
    private readonly nc: NatsConnection,
    private readonly service: string,
    private readonly options: SharedRateLimiterOptions = {},
  ) {
    this.windowMs = options.windowMs ?? 60_000;
    this.timeoutMs = options.timeoutMs ?? 500;
    this.attempts = options.attempts ?? 20;
    this.now = options.now ?? Date.now;
    this.local = new FixedWindowRateLimiter(this.windowMs, this.now);
    this.logger = createLogger(service);
  }

  async take(key: string, limit: number): Promise<RateLimitDecision> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), this.timeoutMs);
    });
    try {
      const shared = await Promise.race([this.count(key, limit), late]);
      if (shared) return shared;
    } catch (err) {
      this.logger.warn({ err }, 'shared rate limit unavailable; counting in this replica');
    } finally {
      clearTimeout(timer);
    }
    return this.local.take(key, limit);
  }

  private async count(key: string, limit: number): Promise<RateLimitDecision | undefined> {
    const t = this.now();
    const start = t - (t % this.windowMs);
    const retryAfterSeconds = Math.max(1, Math.ceil((start + this.windowMs - t) / 1000));
    // Callers' keys (addresses, key ids) hashed into KV-safe names that reveal nothing in the bucket.
    const name = `${createHash('sha256').update(key).digest('hex').slice(0, 40)}.${start}`;
    const kv = await this.open();
    for (let attempt = 0; attempt < this.attempts; attempt++) {
      const entry = await kv.get(name);
      const used = entry && entry.operation === 'PUT' ? Number(entry.string()) || 0 : 0;
      if (used >= limit) return { allowed: false, remaining: 0, retryAfterSeconds };
      try {
        if (entry && entry.operation === 'PUT') await kv.update(name, String(used + 1), entry.revision);
        else await kv.create(name, String(used + 1));
        return { allowed: true, remaining: limit - used - 1, retryAfterSeconds: 0 };
      } catch {
        // Another replica counted first: read again.
      }
    }
    return undefined;
  }

  private open(): Promise<KV> {
    this.bucket ??= new Kvm(this.nc)
      .create(`rate-limits-${this.service}`, {
        storage: StorageType.Memory,
        ttl: 2 * this.windowMs,
        history: 1,
        replicas: this.options.replicas ?? 1,
      })
      .catch((err: unknown) => {
        this.bucket = undefined;
        throw err;
      });
    return this.bucket;
  }
}
