import type { Random } from './subscription.rules.js';

/**
 * Which worker delivers a subscription: the holder of its lease, until the lease's expiry. Workers
 * scale out because each subscription has at most one live holder, so its deliveries stay in order;
 * a holder renews well before expiry and stops the moment a renewal fails, and another worker then
 * claims the expired lease and resumes from the stored cursor (at least once, the same ids).
 */
export interface Lease {
  /** The worker holding it (its process id, unique per start). */
  holder: string;
  /** Epoch milliseconds; past it, any worker may claim the lease. */
  until: number;
}

export interface LeasePolicy {
  /** How long a claim or renewal holds. A crashed worker's subscriptions wait at most this. */
  ttlMs: number;
  /** Subscriptions one worker delivers at most; the rest wait for another worker. */
  maxPerWorker: number;
}

export const DEFAULT_LEASE_POLICY: LeasePolicy = { ttlMs: 30_000, maxPerWorker: 10_000 };

/**
 * A worker may take a lease that is free, expired, or already its own (a renewal is a claim). The
 * repository applies the same condition in one write by `_id`, so two claimants never both win.
 */
export function mayClaim(current: Lease | undefined, holder: string, now: number): boolean {
  return current === undefined || current.until <= now || current.holder === holder;
}

/** The lease a claim or renewal made at `now` stores. */
export function claimedLease(holder: string, now: number, policy: Pick<LeasePolicy, 'ttlMs'>): Lease {
  return { holder, until: now + policy.ttlMs };
}

/** Renewed every third of the TTL: two renewals may fail to reach the store before it expires. */
export function renewEveryMs(policy: Pick<LeasePolicy, 'ttlMs'>): number {
  return Math.max(1, Math.floor(policy.ttlMs / 3));
}

/**
 * The holder delivers only while its lease, as it last stored it, has not expired: a worker whose
 * renewals were held up (a stalled process, a store out of reach) stops before another may claim.
 */
export function stillHolds(lease: Pick<Lease, 'until'>, now: number): boolean {
  return now < lease.until;
}

/**
 * The subscriptions a worker tries to claim next: the unheld ones in a random order (so workers
 * starting together spread them rather than race for the same ones first), no more than its cap
 * leaves room for.
 */
export function claimOrder<T>(
  unheld: readonly T[],
  held: number,
  policy: Pick<LeasePolicy, 'maxPerWorker'>,
  random: Random,
): T[] {
  const order = [...unheld];
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order.slice(0, Math.max(0, policy.maxPerWorker - held));
}
