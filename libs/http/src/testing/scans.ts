import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { OutboxRelay } from '@openlgsp/events';
import { scansDuring } from '@openlgsp/testing';
import type { ManualClock, ServiceUnderTest } from './service.js';

/** Past the outbox's grace period (2 s by default): a sweep then sees every pending event. */
const PAST_GRACE_MS = 60_000;

/**
 * The whole-collection reads (lgsp-ferretdb's count, `scansDuring`) that `work` makes — a hot path,
 * per request or per event — followed by one outbox sweep, as lines `<collection> <command> <filter>
 * ×<count>`; `undefined` on a store that does not count them (MongoDB). First the outbox relay is
 * brought to its steady state: the pass it started with (a full one: it cannot know what a previous
 * process left) is waited for, and one complete full pass is made, so that later passes read by
 * `_id`. The clock moves forward past the grace period, before and after `work`.
 */
export async function hotPathScans(
  sut: ServiceUnderTest,
  clock: ManualClock,
  work: () => Promise<unknown>,
): Promise<string[] | undefined> {
  const relay = sut.app.get(OutboxRelay);
  await relay.stop(); // waits for a sweep under way
  relay.start();
  clock.advance(PAST_GRACE_MS);
  await relay.sweep();
  return scansDuring(sut.engines.mongoUrl, async () => {
    await work();
    clock.advance(PAST_GRACE_MS);
    await relay.sweep();
  });
}

/**
 * Asserts that `work` and the outbox sweep after it make no whole-collection read (hotPathScans);
 * skips the test on a store that does not count them.
 */
export async function assertNoHotPathScans(
  t: TestContext,
  sut: ServiceUnderTest,
  clock: ManualClock,
  work: () => Promise<unknown>,
): Promise<void> {
  const scans = await hotPathScans(sut, clock, work);
  if (!scans) return t.skip('this store does not count scans (MongoDB serves these filters from indexes)');
  assert.deepEqual(scans, [], 'store queries that read a whole collection');
}
