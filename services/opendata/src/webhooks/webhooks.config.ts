import { outboundOptionsFromEnv, type AllowList } from '@openlgsp/net';
import { wholeFromEnv } from '../feed/feed.config.js';
import { DEFAULT_LEASE_POLICY, type LeasePolicy } from './lease.rules.js';
import {
  DEFAULT_DELIVERY_POLICY,
  MAX_ROTATION_OVERLAP_MS,
  type DeliveryPolicy,
} from './subscription.rules.js';

/** Where deliveries run: `inline` in the API process (npm start, tests), `off` when worker.main runs apart. */
export type WorkerMode = 'inline' | 'off';

export interface WebhooksConfig {
  worker: WorkerMode;
  /** Receivers let through the SSRF guard although not public (OUTBOUND_ALLOW_LIST of @openlgsp/net). */
  allow: AllowList;
  policy: DeliveryPolicy;
  /** Deliveries in flight at once across subscriptions. */
  concurrency: number;
  /** How often new or resumed subscriptions are looked for. */
  idleWaitMs: number;
  /** How long a rotated-out secret keeps signing when the owner does not say. */
  defaultOverlapMs: number;
  /** Each subscription's delivery lease: its TTL (a dead worker's subscriptions wait that long) and a cap per worker. */
  lease: LeasePolicy;
}

export const WEBHOOKS_CONFIG = Symbol('WEBHOOKS_CONFIG');

type Env = Record<string, string | undefined>;

/**
 * WEBHOOK_WORKER (inline | off; default inline), WEBHOOK_CONCURRENCY (32), WEBHOOK_IDLE_WAIT_MS (5000),
 * WEBHOOK_BASE_DELAY_MS (5000), WEBHOOK_MAX_DELAY_MS (3600000), WEBHOOK_PAUSE_AFTER_FAILURES (15),
 * WEBHOOK_MAX_WAIT_MS (3 days), WEBHOOK_ROTATION_OVERLAP_MS (1 day), WEBHOOK_LEASE_TTL_MS (30000),
 * WEBHOOK_MAX_SUBSCRIPTIONS_PER_WORKER (10000), OUTBOUND_ALLOW_LIST.
 */
export function webhooksConfigFromEnv(env: Env = process.env): WebhooksConfig {
  const worker = env.WEBHOOK_WORKER?.trim() || 'inline';
  if (worker !== 'inline' && worker !== 'off')
    throw new Error(`WEBHOOK_WORKER must be inline or off, not ${JSON.stringify(worker)}`);
  const d = DEFAULT_DELIVERY_POLICY;
  const day = 24 * 3_600_000;
  return {
    worker,
    allow: outboundOptionsFromEnv(env).allow,
    policy: {
      baseDelayMs: wholeFromEnv(env, 'WEBHOOK_BASE_DELAY_MS', d.baseDelayMs, 1, day),
      maxDelayMs: wholeFromEnv(env, 'WEBHOOK_MAX_DELAY_MS', d.maxDelayMs, 1, day),
      pauseAfterFailures: wholeFromEnv(env, 'WEBHOOK_PAUSE_AFTER_FAILURES', d.pauseAfterFailures, 1, 1_000),
      maxWaitMs: wholeFromEnv(env, 'WEBHOOK_MAX_WAIT_MS', d.maxWaitMs, 1_000, 30 * day),
      logSize: d.logSize,
    },
    concurrency: wholeFromEnv(env, 'WEBHOOK_CONCURRENCY', 32, 1, 10_000),
    idleWaitMs: wholeFromEnv(env, 'WEBHOOK_IDLE_WAIT_MS', 5_000, 1_000, 600_000),
    defaultOverlapMs: wholeFromEnv(env, 'WEBHOOK_ROTATION_OVERLAP_MS', day, 0, MAX_ROTATION_OVERLAP_MS),
    lease: {
      ttlMs: wholeFromEnv(env, 'WEBHOOK_LEASE_TTL_MS', DEFAULT_LEASE_POLICY.ttlMs, 1_000, 600_000),
      maxPerWorker: wholeFromEnv(
        env,
        'WEBHOOK_MAX_SUBSCRIPTIONS_PER_WORKER',
        DEFAULT_LEASE_POLICY.maxPerWorker,
        1,
        DEFAULT_LEASE_POLICY.maxPerWorker,
      ),
    },
  };
}
