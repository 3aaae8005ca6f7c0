import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import { fromNatsMessage, toNatsMessage } from '../src/binding.js';
import { EventConsumer, processedKey, type EventContext, type ProcessedEvents } from '../src/consumer.js';
import { EventRejection } from '../src/rejection.js';
import { createEvent, type LgspEvent } from '../src/envelope.js';
import { EventPublisher, REJECTION_TYPE, type RejectionReason } from '../src/publisher.js';
import type { ConsumerSpec } from '../src/topology.js';
import { findMessage, readMessages } from '@openlgsp/testing';
import { example, processedInMemory, settled, startStreams, type StreamsOnNats } from './support.js';

/**
 * One intake consumer, built by hand as the JetStream transport would, against a real nats-server (JetStream)
 * with processed-event ids kept in memory (the MongoDB-wire store of them is tested in persistence).
 */
const SERVICE = 'intake-check';
const REPORTED = 'vn.openlgsp.catalogue.data-error.reported.v1';
const WITHDRAWN = 'vn.openlgsp.catalogue.entry.withdrawn.v1';
const CHANGED = 'vn.openlgsp.catalogue.service.changed.v1';
const spec: ConsumerSpec = {
  durable: `${SERVICE}-intake`,
  stream: 'INTAKE',
  filterSubjects: ['lgsp.intake.*.catalogue.>'],
  unhandled: 'reject',
  maxDeliver: 3,
  backoffMs: [50, 50, 50],
};

interface RejectionData {
  eventId: string;
  eventType?: string;
  source?: string;
  natsSubject?: string;
  reasons: RejectionReason[];
  rejectedBy: string;
  rejectedAt: string;
}

function intakeEvent(
  type: string,
  agency: string,
  data: unknown = example('data-error.reported'),
): LgspEvent {
  return createEvent(type, data, {
    source: `/agencies/${agency}/system`,
    agency,
    actor: `key-${agency}-system`,
  });
}

const reportedSubject = (agency: string) => `lgsp.intake.${agency}.catalogue.data-error.reported`;

describe('an intake consumer', () => {
  let nats: StreamsOnNats;
  let js: JetStreamClient;
  let jsm: JetStreamManager;
  let processed: ProcessedEvents;
  let publisher: EventPublisher;
  let consumer: EventConsumer;

  /** What the handler saw, and how it should answer particular event ids. */
  const calls: { event: LgspEvent; ctx: EventContext }[] = [];
  const answer = new Map<string, 'refuse' | 'fail' | number>();
  const callsFor = (id: string) => calls.filter((c) => c.event.id === id);
  const handler = async (event: LgspEvent, ctx: EventContext): Promise<void> => {
    calls.push({ event, ctx });
    if (answer.get(event.id) === 'refuse')
      throw EventRejection.because('entry-unknown', 'no catalogue entry has this id', '/data/entryId');
    if (answer.get(event.id) === 'fail') throw new Error('store unavailable');
    // A number: the store is away for that many more attempts.
    const away = answer.get(event.id);
    if (typeof away === 'number' && away > 0) {
      answer.set(event.id, away - 1);
      throw Object.assign(new Error('no server to select'), { name: 'StoreAway' });
    }
  };
  const logged: { level: string; msg: string }[] = [];
  const logger = {
    info: (_: object, msg: string) => void logged.push({ level: 'info', msg }),
    warn: (_: object, msg: string) => void logged.push({ level: 'warn', msg }),
    error: (_: object, msg: string) => void logged.push({ level: 'error', msg }),
  };

  before(async () => {
    nats = await startStreams();
    ({ js, jsm } = nats);
    processed = {
      ...processedInMemory(),
      unavailable: (err) => err instanceof Error && err.name === 'StoreAway',
    };
    EventConsumer.outageRetryMaxMs = 100;
    publisher = new EventPublisher(js, SERVICE);
    const handlers = new Map([
      [REPORTED, handler],
      [WITHDRAWN, handler],
    ]);
    consumer = new EventConsumer(js, jsm, publisher, spec, handlers, processed, logger);
    await consumer.start();
  });

  after(async () => {
    await consumer?.stop();
    await nats?.stop();
  });

  const consumerSettled = () => settled(jsm, spec);

  /** The rejection told for one refused event id. */
  const rejectionOf = (eventId: string) =>
    findRejection((e) => e.type === REJECTION_TYPE && e.data.eventId === eventId);

  /** The first rejection on REJECTED matching `where`, decoded. */
  async function findRejection(where: (e: LgspEvent<RejectionData>, subject: string) => boolean) {
    const decode = (m: JsMsg) => fromNatsMessage(m.headers, m.data) as LgspEvent<RejectionData>;
    const m = await findMessage(js, 'REJECTED', (msg) => where(decode(msg), msg.subject));
    return Object.assign(decode(m), { natsSubject: m.subject });
  }

  const deadLetters = () => readMessages(js, 'DLQ');

  /** Waits (bounded) for the dead-lettered copy of one event. */
  async function deadLetterOf(eventId: string, waitMs = 60_000): Promise<JsMsg> {
    const deadline = Date.now() + waitMs;
    while (Date.now() < deadline) {
      const found = (await deadLetters()).find((m) => m.headers?.get('ce-id') === eventId);
      if (found) return found;
    }
    assert.fail(`expected event ${eventId} on the dead-letter stream within ${waitMs} ms`);
  }

  it('hands a valid intake event to its handler once, with the publishing agency in the context', async () => {
    const event = intakeEvent(REPORTED, 'so-tp');
    await publisher.publish(event);
    await consumerSettled();

    const seen = callsFor(event.id);
    assert.equal(seen.length, 1, 'the handler should have been called exactly once');
    assert.deepEqual(seen[0]!.event, event, 'the handler should receive the event as published');
    assert.deepEqual(seen[0]!.ctx, {
      subject: reportedSubject('so-tp'),
      stream: 'INTAKE',
      consumer: spec.durable,
      deliveryCount: 1,
      agency: 'so-tp',
    });
    assert.equal(
      await processed.has(spec.durable, `so-tp ${event.source} ${event.id}`),
      true,
      'the event (its channel agency, source and id) should be recorded as applied',
    );
  });

  it('applies an intake event republished with the same id once, though the stream keeps both', async () => {
    const event = intakeEvent(REPORTED, 'so-tp');
    const first = await publisher.publish(event);
    const again = await publisher.publish(event);
    // Intake carries no Nats-Msg-Id (another agency could take it first): the consumer deduplicates.
    assert.equal(first.duplicate, false);
    assert.equal(again.duplicate, false, 'JetStream kept the second copy');
    await consumerSettled();
    assert.equal(callsFor(event.id).length, 1);
  });

  it('applies an event once when the same event id arrives again under another message id', async () => {
    const event = intakeEvent(REPORTED, 'so-tp');
    await publisher.publish(event);
    const { headers, body } = toNatsMessage(event);
    headers.set('Nats-Msg-Id', randomUUID());
    const copy = await js.publish(reportedSubject('so-tp'), body, { headers });
    assert.equal(copy.duplicate, false, 'the copy should be stored, so that the consumer sees it');
    await consumerSettled();
    assert.equal(
      callsFor(event.id).length,
      1,
      'the handler should run once for the event id, not once per copy',
    );
  });

  it('tells the agency why its event was refused by the handler, and does not deliver it again', async () => {
    const event = intakeEvent(REPORTED, 'so-xd');
    answer.set(event.id, 'refuse');
    await publisher.publish(event);

    const rejection = await rejectionOf(event.id);
    assert.equal(
      rejection.natsSubject,
      'lgsp.rejected.so-xd',
      'the rejection goes to the agency that sent the event',
    );
    assert.equal(rejection.agency, 'so-xd');
    assert.equal(rejection.subject, event.id, 'the rejection is about the refused event');
    assert.deepEqual(rejection.data.reasons, [
      { code: 'entry-unknown', message: 'no catalogue entry has this id', path: '/data/entryId' },
    ]);
    assert.equal(rejection.data.eventType, REPORTED);
    assert.equal(rejection.data.source, event.source);
    assert.equal(rejection.data.natsSubject, reportedSubject('so-xd'));
    assert.equal(rejection.data.rejectedBy, SERVICE);

    await consumerSettled();
    assert.equal(callsFor(event.id).length, 1, 'a refused event should not be handed to the handler again');
    const dead = (await deadLetters()).filter((m) => m.headers?.get('ce-id') === event.id);
    assert.equal(dead.length, 0, 'a refused event is not a failure: nothing should be dead-lettered');
  });

  it('retries a failing handler up to the last attempt and then dead-letters the event as received', async () => {
    const event = intakeEvent(REPORTED, 'so-yt');
    answer.set(event.id, 'fail');
    await publisher.publish(event);

    const dead = await deadLetterOf(event.id);
    await consumerSettled();
    assert.deepEqual(
      callsFor(event.id).map((c) => c.ctx.deliveryCount),
      [1, 2, 3],
      'the handler should have been tried maxDeliver (3) times',
    );
    assert.equal(dead.subject, `lgsp.dlq.${SERVICE}`);
    assert.equal(dead.headers?.get('Lgsp-Dlq-Deliveries'), '3');
    assert.match(
      dead.headers?.get('Lgsp-Dlq-Reason') ?? '',
      /store unavailable/,
      'the reason should say why it failed',
    );
    assert.equal(dead.headers?.get('Lgsp-Dlq-Subject'), reportedSubject('so-yt'));
    assert.equal(dead.headers?.get('Lgsp-Dlq-Stream'), 'INTAKE');
    assert.deepEqual(
      fromNatsMessage(dead.headers, dead.data),
      event,
      'the dead letter should carry the event unchanged',
    );
    assert.equal(
      await processed.has(spec.durable, event.id),
      false,
      'a dead-lettered event was never applied',
    );
    assert.equal(
      (await deadLetters()).filter((m) => m.headers?.get('ce-id') === event.id).length,
      1,
      'the event should be dead-lettered once',
    );
  });

  it('holds an event through a store outage longer than its attempts, then applies it once', async () => {
    const event = intakeEvent(REPORTED, 'so-ct');
    answer.set(event.id, 2 * spec.maxDeliver!);
    await publisher.publish(event);

    await consumerSettled();
    const tries = callsFor(event.id);
    assert.equal(tries.length, 2 * spec.maxDeliver! + 1, 'tried until the store was back');
    assert.deepEqual(
      [...new Set(tries.map((c) => c.ctx.deliveryCount))],
      [1],
      'an outage should spend no delivery: the event stays in hand',
    );
    assert.equal(await processed.has(spec.durable, processedKey(event, 'so-ct')), true, 'applied');
    const dead = (await deadLetters()).filter((m) => m.headers?.get('ce-id') === event.id);
    assert.equal(dead.length, 0, 'an outage is not the event’s fault: nothing dead-lettered');
  });

  it('refuses an envelope that breaks the contract (an id that is not a UUIDv7, an oversized actor)', async () => {
    const event = { ...intakeEvent(REPORTED, 'so-xd'), id: '1', actor: 'x'.repeat(5_000) };
    const { headers, body } = toNatsMessage(event);
    await js.publish(reportedSubject('so-xd'), body, { headers, msgID: 'envelope-test' });
    const rejection = await findRejection((e) => e.data.eventId === '1');
    const paths = rejection.data.reasons.map((r) => r.path);
    assert.ok(paths.includes('/id') && paths.includes('/actor'), `expected /id and /actor, got ${paths}`);
    await consumerSettled();
    assert.equal(callsFor('1').length, 0, 'an invalid envelope never reaches the handler');
  });

  it('refuses an event whose agency is not the agency that published it', async () => {
    const forged = intakeEvent(REPORTED, 'so-tp');
    await publisher.publish(forged, reportedSubject('so-xd')); // so-xd's credentials, so-tp's name

    const rejection = await rejectionOf(forged.id);
    assert.equal(
      rejection.natsSubject,
      'lgsp.rejected.so-xd',
      'the publishing agency hears about it, not the one named',
    );
    assert.deepEqual(
      rejection.data.reasons.map((r) => [r.code, r.path]),
      [
        ['foreign-source', '/source'],
        ['forged-agency', '/agency'],
      ],
      'both the source and the agency name another agency',
    );
    assert.match(rejection.data.reasons[1]!.message, /claims agency 'so-tp' but was published by 'so-xd'/);
    await consumerSettled();
    assert.equal(callsFor(forged.id).length, 0, 'a forged event should never reach the handler');
  });

  it('refuses a domain fact smuggled onto an intake subject', async () => {
    const smuggled = intakeEvent(WITHDRAWN, 'so-tp', example('entry.withdrawn'));
    await publisher.publish(smuggled, 'lgsp.intake.so-tp.catalogue.entry.withdrawn');

    const rejection = await rejectionOf(smuggled.id);
    assert.equal(rejection.natsSubject, 'lgsp.rejected.so-tp');
    assert.deepEqual(
      rejection.data.reasons.map((r) => [r.code, r.path]),
      [['wrong-subject', '/type']],
    );
    await consumerSettled();
    assert.equal(
      callsFor(smuggled.id).length,
      0,
      'the handler of the domain type should not see the smuggled event',
    );
  });

  it('refuses data that breaks the contract, pointing at each offending member', async () => {
    const broken = intakeEvent(REPORTED, 'so-tp', { entryId: 'not-a-uuid', field: 'area', colour: 'blue' });
    // Sent as a misbehaving integrator would: straight to the subject, past the publisher's own check.
    const { headers, body } = toNatsMessage(broken);
    await js.publish(reportedSubject('so-tp'), body, { headers });

    const rejection = await rejectionOf(broken.id);
    assert.ok(
      rejection.data.reasons.every((r) => r.code === 'schema'),
      `every reason should be a schema reason: ${JSON.stringify(rejection.data.reasons)}`,
    );
    assert.deepEqual(
      [...new Set(rejection.data.reasons.map((r) => r.path))].sort(),
      ['/data/colour', '/data/description', '/data/entryId'],
      'the reasons should point at the unknown, the missing and the malformed member',
    );
    await consumerSettled();
    assert.equal(callsFor(broken.id).length, 0);
  });

  it('refuses an intake event of a type it has no handler for', async () => {
    const event = intakeEvent(CHANGED, 'so-tp', example('service.changed'));
    await publisher.publish(event);

    const rejection = await rejectionOf(event.id);
    assert.deepEqual(
      rejection.data.reasons.map((r) => [r.code, r.path]),
      [['unknown-type', '/type']],
    );
    await consumerSettled();
  });

  it('dead-letters an event it cannot even refuse, after the last attempt', async () => {
    // A one-letter token is not an agency code, so no rejection subject exists to tell it on.
    const stray = intakeEvent(REPORTED, 'X');
    const { headers, body } = toNatsMessage(stray);
    await js.publish('lgsp.intake.X.catalogue.data-error.reported', body, { headers, msgID: stray.id });
    const copy = await deadLetterOf(stray.id);
    assert.equal(copy.headers?.get('Lgsp-Dlq-Deliveries'), String(spec.maxDeliver));
    assert.equal(callsFor(stray.id).length, 0, 'the handler never saw it');
  });

  it('names a refused body that is not JSON by its ce-id header, not "unknown"', async () => {
    const event = intakeEvent(REPORTED, 'so-raw');
    const { headers } = toNatsMessage(event);
    await js.publish(reportedSubject('so-raw'), new TextEncoder().encode('{"broken":'), { headers });

    const rejection = await rejectionOf(event.id);
    assert.equal(rejection.data.eventType, REPORTED);
    assert.deepEqual(
      rejection.data.reasons.map((r) => [r.code, r.path]),
      [['malformed-data', '/data']],
    );
    assert.equal(callsFor(event.id).length, 0, 'the handler never saw it');
    await consumerSettled();
  });

  it('refuses a message that is not a CloudEvent, telling the agency whose subject it came on', async () => {
    await js.publish(reportedSubject('so-raw'), new TextEncoder().encode('hello'));

    const rejection = await findRejection(
      (e, subject) => subject === 'lgsp.rejected.so-raw' && e.data.eventId === 'unknown',
    );
    const codes = new Set(rejection.data.reasons.map((r) => r.code));
    assert.deepEqual([...codes].sort(), ['malformed-data', 'missing-attribute']);
    await consumerSettled();
  });
});
