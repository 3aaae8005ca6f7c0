import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LgspEvent } from './envelope.js';
import { OutboxRelay, type OutboxStore } from './outbox.js';
import { ContractViolation, type EventPublisher } from './publisher.js';

/** Outboxes kept in memory: per aggregate, its pending events and when each was written. */
class MemoryOutbox implements OutboxStore {
  readonly name = 'memory';
  readonly outboxes = new Map<string, { event: LgspEvent; writtenAt: Date }[]>();
  readonly marked: { aggregateId: string; eventIds: string[] }[] = [];

  write(aggregateId: string, events: LgspEvent[], writtenAt = new Date()): LgspEvent[] {
    const outbox = this.outboxes.get(aggregateId) ?? [];
    outbox.push(...events.map((event) => ({ event, writtenAt })));
    this.outboxes.set(aggregateId, outbox);
    return events;
  }

  ids(aggregateId: string): string[] {
    return (this.outboxes.get(aggregateId) ?? []).map((e) => e.event.id);
  }

  async pending(writtenBefore: Date, limit: number) {
    return [...this.outboxes.entries()]
      .filter(([, outbox]) => outbox.length > 0 && outbox[0]!.writtenAt < writtenBefore)
      .slice(0, limit)
      .map(([aggregateId, outbox]) => ({ aggregateId, events: outbox.map((e) => e.event) }));
  }

  async markPublished(aggregateId: string, eventIds: string[]): Promise<void> {
    this.marked.push({ aggregateId, eventIds });
    const outbox = (this.outboxes.get(aggregateId) ?? []).filter((e) => !eventIds.includes(e.event.id));
    if (outbox.length) this.outboxes.set(aggregateId, outbox);
    else this.outboxes.delete(aggregateId);
  }
}

/** A store that can also be read by `_id` and marked in batches, counting whole-collection reads. */
class IndexedOutbox extends MemoryOutbox {
  scans = 0;
  readonly readById: string[][] = [];
  readonly batches: { aggregateId: string; eventIds: string[] }[][] = [];

  override async pending(writtenBefore: Date, limit: number) {
    this.scans++;
    return super.pending(writtenBefore, limit);
  }

  async pendingOf(aggregateIds: string[], writtenBefore: Date) {
    this.readById.push(aggregateIds);
    return aggregateIds
      .map((id) => [id, this.outboxes.get(id) ?? []] as const)
      .filter(([, outbox]) => outbox.length > 0 && outbox[0]!.writtenAt < writtenBefore)
      .map(([aggregateId, outbox]) => ({ aggregateId, events: outbox.map((e) => e.event) }));
  }

  async markPublishedMany(published: { aggregateId: string; events: LgspEvent[] }[]) {
    this.batches.push(
      published.map((p) => ({ aggregateId: p.aggregateId, eventIds: p.events.map((e) => e.id) })),
    );
    for (const { aggregateId, events } of published)
      await super.markPublished(
        aggregateId,
        events.map((e) => e.id),
      );
  }
}

/** Stands in for the JetStream publisher: records what it sent and fails the ids it is told to. */
class FakePublisher {
  readonly sent: string[] = [];
  readonly deadLettered: { id: string; reasons: string; store: string }[] = [];
  readonly failing = new Set<string>();
  readonly invalid = new Set<string>();
  dlqDown = false;
  async publish(event: LgspEvent): Promise<void> {
    if (this.failing.has(event.id)) throw new Error(`broker unreachable while sending ${event.id}`);
    if (this.invalid.has(event.id))
      throw new ContractViolation(event.type, [
        { code: 'schema', path: '/data/n', message: 'must be a number' },
      ]);
    this.sent.push(event.id);
  }
  async deadLetterInvalid(event: LgspEvent, violation: ContractViolation, store: string): Promise<void> {
    if (this.dlqDown) throw new Error('broker unreachable while dead-lettering');
    this.deadLettered.push({ id: event.id, reasons: violation.message, store });
  }
}

class RecordingLogger {
  readonly warnings: { obj: object; msg: string }[] = [];
  readonly errors: { obj: object; msg: string }[] = [];
  warn(obj: object, msg: string): void {
    this.warnings.push({ obj, msg });
  }
  error(obj: object, msg: string): void {
    this.errors.push({ obj, msg });
  }
}

function event(id: string): LgspEvent {
  return {
    id,
    specversion: '1.0',
    type: 'vn.openlgsp.catalogue.entry.amended.v1',
    source: '/openlgsp/catalogue',
    time: '2025-11-20T03:00:00Z',
    datacontenttype: 'application/json',
    data: { n: id },
  };
}

function setup(options = { sweepIntervalMs: 60_000, graceMs: 2_000, batch: 100 }) {
  const store = new MemoryOutbox();
  const publisher = new FakePublisher();
  const logger = new RecordingLogger();
  const relay = new OutboxRelay(publisher as unknown as EventPublisher, logger, options);
  relay.register(store);
  return { store, publisher, logger, relay };
}

const secondsAgo = (s: number, now: Date) => new Date(now.getTime() - s * 1_000);

describe('OutboxRelay', () => {
  it('publishes an aggregate’s events in the order they were written and then removes them', async () => {
    const { store, publisher, relay } = setup();
    const events = store.write('agg-1', [event('e1'), event('e2'), event('e3')]);
    await relay.flush(store, 'agg-1', events);
    assert.deepEqual(publisher.sent, ['e1', 'e2', 'e3'], 'events should be published in order');
    assert.deepEqual(store.ids('agg-1'), [], 'the outbox should be empty once everything is published');
    assert.deepEqual(store.marked, [{ aggregateId: 'agg-1', eventIds: ['e1', 'e2', 'e3'] }]);
  });

  it('marks only what was published when the second of three fails, and stops there to keep the order', async () => {
    const { store, publisher, logger, relay } = setup();
    const events = store.write('agg-1', [event('e1'), event('e2'), event('e3')]);
    publisher.failing.add('e2');
    await relay.flush(store, 'agg-1', events); // must not throw at the use case
    assert.deepEqual(publisher.sent, ['e1'], 'e3 should not overtake the failed e2');
    assert.deepEqual(
      store.marked,
      [{ aggregateId: 'agg-1', eventIds: ['e1'] }],
      'only e1 should be marked published',
    );
    assert.deepEqual(store.ids('agg-1'), ['e2', 'e3'], 'the unpublished events should stay in the outbox');
    assert.equal(logger.warnings.length, 1, 'the failure should be logged once');
    assert.match(logger.warnings[0]!.msg, /sweeper will retry/);
  });

  it('marks nothing when the first event already fails', async () => {
    const { store, publisher, relay } = setup();
    const events = store.write('agg-1', [event('e1'), event('e2')]);
    publisher.failing.add('e1');
    await relay.flush(store, 'agg-1', events);
    assert.deepEqual(store.marked, [], 'nothing was published, so nothing should be marked');
    assert.deepEqual(store.ids('agg-1'), ['e1', 'e2']);
  });

  it('leaves a failed flush to the sweeper, which publishes the rest in order once the broker is back', async () => {
    const { store, publisher, relay } = setup();
    const now = new Date();
    const events = store.write('agg-1', [event('e1'), event('e2'), event('e3')], secondsAgo(10, now));
    publisher.failing.add('e2');
    await relay.flush(store, 'agg-1', events);
    publisher.failing.clear();

    const published = await relay.sweep(now);
    assert.equal(published, 2, 'the sweep should report the two events it published');
    assert.deepEqual(publisher.sent, ['e1', 'e2', 'e3']);
    assert.deepEqual(store.ids('agg-1'), [], 'the outbox should be empty after the sweep');
  });

  it('sweeps only outboxes written before the grace period, leaving fresh ones to their own flush', async () => {
    const { store, publisher, relay } = setup({ sweepIntervalMs: 60_000, graceMs: 2_000, batch: 100 });
    const now = new Date();
    store.write('old', [event('o1'), event('o2')], secondsAgo(5, now));
    store.write('fresh', [event('f1')], secondsAgo(1, now));

    const published = await relay.sweep(now);
    assert.equal(published, 2);
    assert.deepEqual(publisher.sent, ['o1', 'o2'], 'only events older than the grace period should be swept');
    assert.deepEqual(store.ids('old'), []);
    assert.deepEqual(store.ids('fresh'), ['f1'], 'an outbox inside the grace period should be left alone');
  });

  it('keeps sweeping the other stores when one store cannot be read', async () => {
    const { store, publisher, logger, relay } = setup();
    const broken: OutboxStore = {
      name: 'broken',
      pending: async () => {
        throw new Error('store unreachable');
      },
      markPublished: async () => undefined,
    };
    relay.register(broken);
    const now = new Date();
    store.write('agg-1', [event('e1')], secondsAgo(10, now));
    assert.equal(await relay.sweep(now), 1);
    assert.deepEqual(publisher.sent, ['e1']);
    assert.ok(
      logger.warnings.some((w) => (w.obj as { store?: string }).store === 'broken'),
      'the failing store should be logged by name',
    );
  });

  it('sweeps the other aggregates when one aggregate’s events cannot be published', async () => {
    const store = new MemoryOutbox();
    const publisher = new FakePublisher();
    const relay = new OutboxRelay(publisher as unknown as EventPublisher, new RecordingLogger(), {
      sweepIntervalMs: 1_000,
      graceMs: 0,
      batch: 10,
    });
    relay.register(store);
    const old = new Date(Date.now() - 60_000);
    store.write('stuck', [event('s1')], old);
    store.write('fine', [event('f1')], old);
    publisher.failing.add('s1');
    assert.equal(await relay.sweep(), 1);
    assert.deepEqual(publisher.sent, ['f1']);
    assert.deepEqual(store.ids('stuck'), ['s1'], 'the stuck event is kept, not lost');
  });

  it('dead-letters an event that breaks its contract and publishes the ones behind it', async () => {
    const { store, publisher, logger, relay } = setup();
    const events = store.write('agg-1', [event('e1'), event('bad'), event('e3')]);
    publisher.invalid.add('bad');
    await relay.flush(store, 'agg-1', events);
    assert.deepEqual(publisher.sent, ['e1', 'e3'], 'the events around the invalid one should be published');
    assert.deepEqual(
      publisher.deadLettered.map((d) => [d.id, d.store]),
      [['bad', 'memory']],
      'the invalid event should be dead-lettered once, naming its store',
    );
    assert.match(publisher.deadLettered[0]!.reasons, /\/data\/n must be a number/);
    assert.deepEqual(store.ids('agg-1'), [], 'nothing should be left in the outbox to retry forever');
    assert.equal(logger.errors.length, 1, 'the invalid event should be logged once as an error');
    assert.equal((logger.errors[0]!.obj as { eventId?: string }).eventId, 'bad');
  });

  it('keeps an invalid event and those behind it when the dead letters cannot be reached', async () => {
    const { store, publisher, logger, relay } = setup();
    const events = store.write('agg-1', [event('bad'), event('e2')]);
    publisher.invalid.add('bad');
    publisher.dlqDown = true;
    await relay.flush(store, 'agg-1', events);
    assert.deepEqual(publisher.sent, [], 'e2 should not overtake the event that is not yet dead-lettered');
    assert.deepEqual(store.ids('agg-1'), ['bad', 'e2'], 'both should wait for the sweeper');
    assert.equal(logger.errors.length, 0, 'nothing was dead-lettered, so nothing should say so');
  });

  it('does not publish anything on flush once stopped', async () => {
    const { store, publisher, relay } = setup();
    relay.start();
    await relay.stop();
    const events = store.write('agg-1', [event('e1')]);
    await relay.flush(store, 'agg-1', events);
    assert.deepEqual(publisher.sent, [], 'a stopped relay should not publish');
    assert.deepEqual(store.ids('agg-1'), ['e1'], 'the events should stay in the outbox for a later sweep');
  });

  it('flushes nothing and marks nothing for a write that caused no events', async () => {
    const { store, publisher, relay } = setup();
    await relay.flush(store, 'agg-1', []);
    assert.deepEqual(publisher.sent, []);
    assert.deepEqual(store.marked, []);
  });

  describe('with a store read by _id', () => {
    function indexed() {
      const store = new IndexedOutbox();
      const publisher = new FakePublisher();
      const relay = new OutboxRelay(publisher as unknown as EventPublisher, new RecordingLogger(), {
        sweepIntervalMs: 60_000,
        graceMs: 0,
        batch: 100,
      });
      relay.register(store);
      return { store, publisher, relay };
    }
    const old = () => new Date(Date.now() - 60_000);

    it('reads the whole store once at start, then only the aggregates whose flush did not publish, by _id', async () => {
      const { store, publisher, relay } = indexed();
      store.write('left-by-a-crash', [event('c1')], old()); // before this process: only a full pass finds it
      assert.equal(await relay.sweep(), 1);
      assert.equal(store.scans, 1, 'the first sweep reads the whole store');

      const failed = store.write('a1', [event('e1'), event('e2')], old());
      publisher.failing.add('e2');
      await relay.flush(store, 'a1', failed);
      const fine = store.write('a2', [event('f1')], old());
      await relay.flush(store, 'a2', fine);
      publisher.failing.clear();

      assert.equal(await relay.sweep(), 1, 'e2, the one event left');
      assert.equal(store.scans, 1, 'no second whole-store read');
      assert.deepEqual(store.readById, [['a1']], 'only the aggregate whose flush failed is read');
      assert.deepEqual(publisher.sent, ['c1', 'e1', 'f1', 'e2']);
      assert.equal(await relay.sweep(), 0);
      assert.deepEqual(store.readById, [['a1']], 'nothing left to read once published');
    });

    it('finds events written while stopped, publishes many aggregates at once in per-aggregate order, and marks them in one batch', async () => {
      const { store, publisher, relay } = indexed();
      await relay.sweep(); // the start's full pass, on an empty store
      await relay.stop();
      for (let i = 0; i < 50; i++) {
        const events = store.write(`agg-${i}`, [event(`${i}-1`), event(`${i}-2`), event(`${i}-3`)], old());
        relay.written(store, `agg-${i}`);
        await relay.flush(store, `agg-${i}`, events); // stopped: publishes nothing
      }
      assert.equal(publisher.sent.length, 0, 'a stopped relay publishes nothing');
      assert.equal(await relay.sweep(), 150);
      assert.equal(store.scans, 1);
      assert.equal(store.batches.length, 1, 'one batch marks every aggregate');
      assert.equal(store.batches[0]!.length, 50);
      for (let i = 0; i < 50; i++) {
        const mine = publisher.sent.filter((id) => id.startsWith(`${i}-`));
        assert.deepEqual(mine, [`${i}-1`, `${i}-2`, `${i}-3`], `agg-${i} in order`);
        assert.deepEqual(store.ids(`agg-${i}`), []);
      }
    });

    it('keeps reading the whole store while what a previous process wrote may still be inside the grace period', async () => {
      const store = new IndexedOutbox();
      const publisher = new FakePublisher();
      const relay = new OutboxRelay(publisher as unknown as EventPublisher, new RecordingLogger(), {
        sweepIntervalMs: 60_000,
        graceMs: 2_000,
        batch: 100,
      });
      const start = Date.now();
      relay.register(store);
      store.write('just-before-the-restart', [event('r1')], new Date(start - 500));
      assert.equal(await relay.sweep(new Date(start + 100)), 0, 'still inside the grace period');
      assert.equal(await relay.sweep(new Date(start + 2_100)), 1, 'found by a second whole-store pass');
      assert.equal(store.scans, 2);
      assert.equal(await relay.sweep(new Date(start + 2_200)), 0);
      assert.equal(store.scans, 2, 'then no more');
    });

    it('reads the whole store again after fullSweepIntervalMs, for outboxes another instance left', async () => {
      const store = new IndexedOutbox();
      const publisher = new FakePublisher();
      const relay = new OutboxRelay(publisher as unknown as EventPublisher, new RecordingLogger(), {
        sweepIntervalMs: 60_000,
        graceMs: 0,
        batch: 100,
        fullSweepIntervalMs: 0,
      });
      relay.register(store);
      await relay.sweep();
      store.write('from-elsewhere', [event('x1')], old());
      assert.equal(await relay.sweep(), 1);
      assert.equal(store.scans, 2);
    });
  });
});
