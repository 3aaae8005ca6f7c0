import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { backoffDelay, type Jitter } from './backoff.js';

const attempts = fc.integer({ min: -5, max: 2_000 });
const bounds = fc
  .record({ baseMs: fc.integer({ min: 0, max: 60_000 }), maxMs: fc.integer({ min: 0, max: 24 * 3_600_000 }) })
  .map(({ baseMs, maxMs }) => ({ baseMs, maxMs }));
const jitters = fc.constantFrom<Jitter>('none', 'full', 'equal');
/** A draw in [0, 1), as Math.random gives. */
const draws = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

describe('capped exponential backoff', () => {
  it('doubles the wait with each attempt from the base, up to the cap', () => {
    const waits = [0, 1, 2, 3, 4, 5, 6, 7, 50].map((n) => backoffDelay(n, { baseMs: 250, maxMs: 5_000 }));
    assert.deepEqual(waits, [250, 500, 1_000, 2_000, 4_000, 5_000, 5_000, 5_000, 5_000]);
  });

  it('counts a negative attempt as the first', () => {
    assert.equal(backoffDelay(-1, { baseMs: 250, maxMs: 5_000 }), 250);
  });

  it('stays at the cap however long the run of failures, even from a zero base', () => {
    assert.equal(backoffDelay(100_000, { baseMs: 250, maxMs: 5_000 }), 5_000);
    assert.equal(backoffDelay(100_000, { baseMs: 0, maxMs: 5_000 }), 0);
  });

  it('with full jitter draws from zero up to the capped wait', () => {
    assert.equal(backoffDelay(2, { baseMs: 1_000, maxMs: 60_000, jitter: 'full', random: () => 0 }), 0);
    assert.equal(
      backoffDelay(2, { baseMs: 1_000, maxMs: 60_000, jitter: 'full', random: () => 0.999 }),
      3_996,
    );
    assert.equal(
      backoffDelay(9, { baseMs: 1_000, maxMs: 60_000, jitter: 'full', random: () => 0.5 }),
      30_000,
    );
  });

  it('with equal jitter waits at least half the capped wait', () => {
    assert.equal(backoffDelay(2, { baseMs: 1_000, maxMs: 60_000, jitter: 'equal', random: () => 0 }), 2_000);
    assert.equal(
      backoffDelay(2, { baseMs: 1_000, maxMs: 60_000, jitter: 'equal', random: () => 0.5 }),
      3_000,
    );
  });

  it('is never negative nor above the cap, in whole milliseconds', () => {
    fc.assert(
      fc.property(attempts, bounds, jitters, draws, (attempt, b, jitter, draw) => {
        const wait = backoffDelay(attempt, { ...b, jitter, random: () => draw });
        assert.ok(Number.isInteger(wait), `expected whole milliseconds, got ${wait}`);
        assert.ok(wait >= 0, `expected no negative wait, got ${wait}`);
        assert.ok(wait <= b.maxMs, `expected at most the cap ${b.maxMs}, got ${wait}`);
      }),
    );
  });

  it('without jitter never waits less after a further failure', () => {
    fc.assert(
      fc.property(attempts, fc.nat(50), bounds, (attempt, more, b) => {
        const before = backoffDelay(attempt, b);
        const after = backoffDelay(attempt + more, b);
        assert.ok(
          after >= before,
          `attempt ${attempt + more} waits ${after}, less than ${before} at attempt ${attempt}`,
        );
      }),
    );
  });

  it('keeps a jittered wait within its kind’s bounds around the unjittered one', () => {
    fc.assert(
      fc.property(attempts, bounds, draws, (attempt, b, draw) => {
        const wait = backoffDelay(attempt, b);
        const full = backoffDelay(attempt, { ...b, jitter: 'full', random: () => draw });
        const equal = backoffDelay(attempt, { ...b, jitter: 'equal', random: () => draw });
        assert.ok(full >= 0 && full <= wait, `full jitter: expected within [0, ${wait}], got ${full}`);
        assert.ok(full < wait || wait === 0, `full jitter: expected below ${wait}, got ${full}`);
        assert.ok(
          equal >= Math.floor(wait / 2) && equal <= wait,
          `equal jitter: expected within [${Math.floor(wait / 2)}, ${wait}], got ${equal}`,
        );
      }),
    );
  });
});
