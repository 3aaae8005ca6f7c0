import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { claimedLease, claimOrder, mayClaim, renewEveryMs, stillHolds, type Lease } from './lease.rules.js';

/** FEED.md §3 (webhooks): in order per subscription, at least once, however many workers run. */
describe('webhook delivery leases', () => {
  const T = 1_000_000;
  const held: Lease = { holder: 'worker-a', until: T + 10_000 };

  it('lets a worker claim a free lease, an expired one, or its own (a renewal)', () => {
    assert.equal(mayClaim(undefined, 'worker-b', T), true);
    assert.equal(mayClaim(held, 'worker-b', T + 10_000), true, 'expired at its until');
    assert.equal(mayClaim(held, 'worker-a', T), true, 'its own');
  });

  it('refuses another worker a lease that has not expired', () => {
    assert.equal(mayClaim(held, 'worker-b', T), false);
    assert.equal(mayClaim(held, 'worker-b', T + 9_999), false);
  });

  it('holds for the TTL from the claim, renewed every third of it', () => {
    assert.deepEqual(claimedLease('worker-a', T, { ttlMs: 30_000 }), {
      holder: 'worker-a',
      until: T + 30_000,
    });
    assert.equal(renewEveryMs({ ttlMs: 30_000 }), 10_000);
    assert.equal(renewEveryMs({ ttlMs: 2 }), 1);
  });

  it('has the holder stop delivering once its lease expires, as another may then claim it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e12 }),
        fc.integer({ min: 1, max: 1e7 }),
        fc.integer({ min: 0, max: 2e7 }),
        (now, ttlMs, later) => {
          const lease = claimedLease('worker-a', now, { ttlMs });
          // Never both: the holder delivering and another worker allowed to claim.
          assert.notEqual(stillHolds(lease, now + later), mayClaim(lease, 'worker-b', now + later));
        },
      ),
    );
  });

  it('claims the unheld subscriptions in a shuffled order, up to the cap per worker', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string(), { maxLength: 30 }),
        fc.nat(40),
        fc.integer({ min: 1, max: 40 }),
        fc.infiniteStream(fc.double({ min: 0, max: 0.999999, noNaN: true })),
        (ids, heldCount, maxPerWorker, randoms) => {
          const order = claimOrder(ids, heldCount, { maxPerWorker }, () => randoms.next().value);
          assert.equal(order.length, Math.min(ids.length, Math.max(0, maxPerWorker - heldCount)));
          assert.equal(new Set(order).size, order.length, 'no subscription twice');
          for (const id of order) assert.ok(ids.includes(id));
        },
      ),
    );
    const shuffled = claimOrder(['s1', 's2', 's3'], 0, { maxPerWorker: 10 }, () => 0);
    assert.deepEqual(shuffled, ['s2', 's3', 's1']);
  });
});
