import type { AdmissionLimits } from './admission.rules.js';
import { FANOUT_DEFAULTS, type FanoutOptions } from './fanout.js';

/** The change feed's settings (SSE fan-out and Atom), read once at start; a wrong one stops it. */
export interface FeedConfig {
  fanout: Required<Omit<FanoutOptions, 'stream'>>;
  /** The public portal's base URL: Atom links to dataset pages and to the feed itself. */
  portalUrl: string;
  /** Atom entries at most (a reader asks for fewer with `?limit=`). */
  atomMaxEntries: number;
  /** SSE clients per client address and per instance. */
  admission: AdmissionLimits;
  /** The Retry-After of a refused SSE client, seconds. */
  busyRetryAfterSeconds: number;
}

export const FEED_CONFIG = Symbol('FEED_CONFIG');

type Env = Record<string, string | undefined>;

export function wholeFromEnv(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max)
    throw new Error(`${name} must be a whole number from ${min} to ${max}, not ${JSON.stringify(raw)}`);
  return value;
}

/**
 * FEED_HEARTBEAT_MS (15000), FEED_RETRY_MS (3000), FEED_CLIENT_MAX_QUEUED (512),
 * FEED_CLIENT_MAX_QUEUED_BYTES (4 MiB), FEED_CLIENT_MAX_STALL_MS (30000), FEED_REPLAY_BATCH (256),
 * OPENDATA_PORTAL_URL (http://localhost:3000), FEED_ATOM_MAX_ENTRIES (100),
 * FEED_MAX_CLIENTS_PER_ADDRESS (20), FEED_MAX_CLIENTS (10000), FEED_BUSY_RETRY_AFTER_S (30).
 */
export function feedConfigFromEnv(env: Env = process.env): FeedConfig {
  const portalUrl = (env.OPENDATA_PORTAL_URL?.trim() || 'http://localhost:3000').replace(/\/+$/, '');
  try {
    new URL(portalUrl);
  } catch {
    throw new Error(`OPENDATA_PORTAL_URL must be an absolute URL, not ${JSON.stringify(portalUrl)}`);
  }
  return {
    fanout: {
      heartbeatMs: wholeFromEnv(env, 'FEED_HEARTBEAT_MS', FANOUT_DEFAULTS.heartbeatMs, 100, 300_000),
      retryMs: wholeFromEnv(env, 'FEED_RETRY_MS', FANOUT_DEFAULTS.retryMs, 0, 600_000),
      maxQueuedItems: wholeFromEnv(env, 'FEED_CLIENT_MAX_QUEUED', FANOUT_DEFAULTS.maxQueuedItems, 1, 100_000),
      maxQueuedBytes: wholeFromEnv(
        env,
        'FEED_CLIENT_MAX_QUEUED_BYTES',
        FANOUT_DEFAULTS.maxQueuedBytes,
        1024,
        256 * 1024 * 1024,
      ),
      maxStallMs: wholeFromEnv(env, 'FEED_CLIENT_MAX_STALL_MS', FANOUT_DEFAULTS.maxStallMs, 100, 600_000),
      replayBatch: wholeFromEnv(env, 'FEED_REPLAY_BATCH', FANOUT_DEFAULTS.replayBatch, 1, 10_000),
    },
    portalUrl,
    atomMaxEntries: wholeFromEnv(env, 'FEED_ATOM_MAX_ENTRIES', 100, 1, 1_000),
    admission: {
      perAddress: wholeFromEnv(env, 'FEED_MAX_CLIENTS_PER_ADDRESS', 20, 1, 100_000),
      total: wholeFromEnv(env, 'FEED_MAX_CLIENTS', 10_000, 1, 1_000_000),
    },
    busyRetryAfterSeconds: wholeFromEnv(env, 'FEED_BUSY_RETRY_AFTER_S', 30, 1, 3_600),
  };
}
