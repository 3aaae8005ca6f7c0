import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { findMessage } from '@openlgsp/testing';
import { EventConsumer } from '../src/consumer.js';
import { createEvent, type LgspEvent } from '../src/envelope.js';
import { EventPublisher } from '../src/publisher.js';
import type { ConsumerSpec } from '../src/topology.js';
import { example, processedInMemory, settled, startStreams, type StreamsOnNats } from './support.js';

/**
 * Parallel intake on a real nats-server: events of different aggregates (CloudEvents `subject`) are
 * handled at once, so they finish out of stream order; those of one aggregate in stream order; and a
 * poison event is retried and dead-lettered while the others flow.
 */
const SERVICE = 'parallel-check';
const REPORTED = 'vn.openlgsp.catalogue.data-error.reported.v1';
const AGENCY = 'so-tp';
const spec: ConsumerSpec = {
  durable: `${SERVICE}-intake`,
  stream: 'INTAKE',
  filterSubjects: ['lgsp.intake.*.catalogue.>'],
  unhandled: 'reject',
  maxDeliver: 3,
  backoffMs: [50, 50, 50],
  concurrency: 8,
};

describe('an intake consumer handling many events at once', () => {
  let nats: StreamsOnNats;
  let js: JetStreamClient;
  let jsm: JetStreamManager;
  let publisher: EventPublisher;
  let consumer: EventConsumer;

  /** Handled events in the order their handlers finished, and how particular ids behave. */
  const finished: LgspEvent[] = [];
  const holds = new Map<string, Promise<void>>();
  const poison = new Set<string>();
  const attempts = new Map<string, number>();
  const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

  before(async () => {
    nats = await startStreams();
    ({ js, jsm } = nats);
    publisher = new EventPublisher(js, SERVICE);
    const handler = async (event: LgspEvent) => {
      attempts.set(event.id, (attempts.get(event.id) ?? 0) + 1);
      await holds.get(event.id);
      if (poison.has(event.id)) throw new Error('cannot be applied');
      finished.push(event);
    };
    consumer = new EventConsumer(
      js,
      jsm,
      publisher,
      spec,
      new Map([[REPORTED, handler]]),
      processedInMemory(),
      quiet,
    );
    await consumer.start();
  });

  after(async () => {
    await consumer?.stop();
    await nats?.stop();
  });

  const reported = (aggregate: string) =>
    createEvent(REPORTED, example('data-error.reported'), {
      source: `/agencies/${AGENCY}/system`,
      agency: AGENCY,
      actor: 'key-so-tp-system',
      subject: aggregate,
    });
  const handledOf = (aggregate: string) => finished.filter((e) => e.subject === aggregate).map((e) => e.id);

  it('finishes other aggregates while one is held, and keeps each aggregate in stream order', async () => {
    let release!: () => void;
    const slow = [reported('slow'), reported('slow'), reported('slow')];
    holds.set(slow[0]!.id, new Promise((r) => (release = r)));
    const fast = ['f1', 'f2', 'f3', 'f4'].flatMap((a) => [reported(a), reported(a), reported(a)]);
    await publisher.publish(slow[0]!);
    for (const e of [...fast, slow[1]!, slow[2]!]) await publisher.publish(e);

    await waitFor(() => fast.every((e) => finished.some((f) => f.id === e.id)), 'the other aggregates');
    assert.deepEqual(
      handledOf('slow'),
      [],
      'nothing of the held aggregate is handled before its first event',
    );
    assert.equal(attempts.get(slow[1]!.id), undefined, "the held aggregate's later events wait their turn");
    release();
    await settled(jsm, spec);

    assert.deepEqual(
      handledOf('slow'),
      slow.map((e) => e.id),
      'one aggregate in stream order',
    );
    for (const a of ['f1', 'f2', 'f3', 'f4'])
      assert.deepEqual(
        handledOf(a),
        fast.filter((e) => e.subject === a).map((e) => e.id),
        `aggregate ${a} in stream order`,
      );
    const firstSlow = finished.findIndex((e) => e.id === slow[0]!.id);
    assert.ok(
      fast.every((e) => finished.findIndex((f) => f.id === e.id) < firstSlow),
      'events published after the held one finished before it',
    );
  });

  it('dead-letters a poison event after its last attempt while the other events flow', async () => {
    const bad = reported('poison');
    poison.add(bad.id);
    const others = Array.from({ length: 20 }, (_, i) => reported(`other-${i}`));
    await publisher.publish(bad);
    for (const e of others) await publisher.publish(e);

    await waitFor(() => others.every((e) => finished.some((f) => f.id === e.id)), 'the other events');
    const dead = await findMessage(js, 'DLQ', (m) => m.headers?.get('ce-id') === bad.id);
    assert.equal(dead.headers?.get('Lgsp-Dlq-Deliveries'), '3', 'tried maxDeliver (3) times first');
    await settled(jsm, spec);
    assert.equal(attempts.get(bad.id), 3);
    assert.ok(!finished.some((e) => e.id === bad.id), 'the poison event was never applied');
  });
});

/** Waits (bounded) until `done` holds. */
async function waitFor(done: () => boolean, what: string, waitMs = 60_000): Promise<void> {
  const deadline = Date.now() + waitMs;
  while (!done()) {
    if (Date.now() > deadline) assert.fail(`expected ${what} to be handled within ${waitMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
