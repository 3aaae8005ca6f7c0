import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { register } from 'prom-client';
import { DurableConsumer } from '../src/durable.js';
import { startStreams, type StreamsOnNats } from './support.js';

/** The consumer gauges of /metrics as JetStream counts them, against a real nats-server. */
const DURABLE = 'metrics-check-intake';

async function gauge(name: string): Promise<number | undefined> {
  const metric = register.getSingleMetric(name);
  const { values } = (await metric?.get()) ?? { values: [] };
  return values.find((v) => v.labels.consumer === DURABLE)?.value;
}

describe('a durable consumer in the metrics', () => {
  let nats: StreamsOnNats;
  let consumer: DurableConsumer;
  let release: () => void = () => {};
  const handled: string[] = [];

  before(async () => {
    nats = await startStreams();
    const logger = { info: () => {}, warn: () => {}, error: () => {} };
    consumer = new DurableConsumer(
      nats.js,
      nats.jsm,
      {
        durable: DURABLE,
        stream: 'INTAKE',
        filterSubjects: ['lgsp.intake.metrics-check.>'],
        batch: 1,
      },
      logger,
    );
  });

  after(async () => {
    release();
    await consumer?.stop();
    await nats?.stop();
  });

  /** Samples until `until` holds (bounded: JetStream counts a delivery a moment after it is made). */
  async function sampled(until: (pending?: number, ackPending?: number) => boolean): Promise<void> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      await consumer.sample();
      const [pending, ackPending] = [
        await gauge('lgsp_consumer_pending'),
        await gauge('lgsp_consumer_ack_pending'),
      ];
      if (until(pending, ackPending)) return;
      if (Date.now() > deadline) assert.fail(`pending ${pending}, ack pending ${ackPending}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('shows the lag while the handler is stuck, and none once it has caught up', async () => {
    const stuck = new Promise<void>((r) => (release = r));
    await consumer.start(async (m) => {
      await stuck;
      handled.push(m.subject);
      m.ack();
    });
    const { js } = nats;
    for (const n of [1, 2, 3]) await js.publish(`lgsp.intake.metrics-check.catalogue.n${n}`, 'x');

    // One message in the handler, the rest not yet delivered or fetched behind it (a pull may take one
    // more than the handler holds): three unfinished in all, none acknowledged.
    await sampled(
      (pending, ackPending) =>
        pending !== undefined &&
        ackPending !== undefined &&
        ackPending >= 1 &&
        pending >= 1 &&
        pending + ackPending === 3,
    );
    assert.equal(await gauge('lgsp_consumer_redelivered'), 0);

    release();
    await sampled((pending, ackPending) => pending === 0 && ackPending === 0);
    assert.equal(handled.length, 3);
  });
});
