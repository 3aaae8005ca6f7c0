import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { DurableConsumer, inFlightBound, type DurableOptions } from '../src/durable.js';
import { startStreams, type StreamsOnNats } from './support.js';

/**
 * A durable consumer whose handler is slower than its producer, against a real nats-server: it holds
 * no more than its bound, and a message waiting its turn longer than the ack wait is not redelivered.
 */
const options: DurableOptions = {
  durable: 'backpressure-check-intake',
  stream: 'INTAKE',
  filterSubjects: ['lgsp.intake.backpressure-check.>'],
  ackWaitMs: 1_000,
  concurrency: 2,
  batch: 4,
};
const MESSAGES = 12;
const HANDLING_MS = 700;

describe('a durable consumer slower than its producer', () => {
  let nats: StreamsOnNats;
  let consumer: DurableConsumer;

  before(async () => {
    nats = await startStreams();
    consumer = new DurableConsumer(nats.js, nats.jsm, options, {
      info: () => {},
      warn: () => {},
      error: () => {},
    });
  });

  after(async () => {
    await consumer?.stop();
    await nats?.stop();
  });

  it('holds at most its bound unacknowledged and keeps every message it waits on (no redelivery)', async () => {
    const deliveries: number[] = [];
    const seen = new Set<string>();
    await consumer.start(async (m) => {
      await sleep(HANDLING_MS);
      deliveries.push(m.info.deliveryCount);
      seen.add(m.subject);
      m.ack();
    });
    const { js } = nats;
    // A fetched message waits up to bound / concurrency × HANDLING_MS = 2.1 s for its turn: two ack waits.
    for (let n = 0; n < MESSAGES; n++)
      await js.publish(`lgsp.intake.backpressure-check.catalogue.n${n}`, 'x');

    const bound = inFlightBound(options);
    let mostHeld = 0;
    const deadline = Date.now() + 30_000;
    while (seen.size < MESSAGES && Date.now() < deadline) {
      const info = await nats.jsm.consumers.info(options.stream, options.durable);
      mostHeld = Math.max(mostHeld, info.num_ack_pending);
      await sleep(50);
    }
    assert.equal(seen.size, MESSAGES, 'every message handled');
    assert.ok(mostHeld <= bound, `at most ${bound} unacknowledged at once; seen ${mostHeld}`);
    assert.ok(mostHeld > options.concurrency!, `some fetched ahead of the handler; seen ${mostHeld}`);
    assert.deepEqual(
      deliveries.filter((d) => d > 1),
      [],
      'a message waiting its turn is kept with in-progress acks, not delivered again',
    );
    const info = await nats.jsm.consumers.info(options.stream, options.durable);
    assert.equal(info.num_redelivered, 0);
    assert.equal(deliveries.length, MESSAGES, 'each handled once');
  });
});
