import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Schema, type Connection } from 'mongoose';
import {
  EventFactory,
  EventPublisher,
  OutboxRelay,
  createEvent,
  ensureStreams,
  eventMetrics,
  type LgspEvent,
} from '@openlgsp/events';
import {
  AggregateRepository,
  ConflictError,
  NotFoundError,
  type AggregateDoc,
} from '../src/aggregate.repository.js';
import { fail, ok, type Actor, type Change } from '@openlgsp/domain';
import { openConnection } from '../src/connection.js';
import { outboxFields } from '../src/outbox.schema.js';
import { fromNatsMessage } from '@openlgsp/events';
import { readMessages, startEngines, type Engines } from '@openlgsp/testing';

/**
 * The outbox in the aggregate against a real MongoDB-wire store (FerretDB) and a real nats-server:
 * state and events are written in one document, the relay moves the events to JetStream.
 */
interface Parcel extends AggregateDoc {
  name: string;
  area: number;
}

const parcelSchema = () =>
  new Schema(
    { _id: String, revision: Number, name: String, area: Number, ...outboxFields },
    { versionKey: false },
  );

/** A tiny aggregate; each test gets its own collection so that sweeps see only its documents. */
class ParcelRepository extends AggregateRepository<Parcel> {
  constructor(connection: Connection, relay: OutboxRelay, collection: string) {
    super(
      collection,
      AggregateRepository.modelOf<Parcel>(connection, collection, parcelSchema()),
      relay,
      new EventFactory('/openlgsp/catalogue'),
    );
  }
  /** The stored document as it is, outbox included. */
  async stored(id: string): Promise<Parcel> {
    const doc = (await this.model.findById(id).lean()) as Parcel | null;
    assert.ok(doc, `expected parcel ${id} to be stored`);
    return doc;
  }
}

const LISTED = 'vn.openlgsp.catalogue.entry.listed.v1';
const AMENDED = 'vn.openlgsp.catalogue.entry.amended.v1';
const WITHDRAWN = 'vn.openlgsp.catalogue.entry.withdrawn.v1';

function example(type: string): Record<string, unknown> {
  const name = type.replace('vn.openlgsp.catalogue.', '').replace(/\.v1$/, '');
  const file = new URL(`../../../../contracts/examples/catalogue/${name}.v1.json`, import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { data: Record<string, unknown> }).data;
}

/** A contract-valid catalogue event about aggregate `id`. */
const eventAbout = (id: string, type: string): LgspEvent =>
  createEvent(type, { ...example(type), entryId: id }, { source: '/openlgsp/catalogue', subject: id });

const SUBJECT_OF: Record<string, string> = {
  [LISTED]: 'lgsp.catalogue.entry.listed',
  [AMENDED]: 'lgsp.catalogue.entry.amended',
  [WITHDRAWN]: 'lgsp.catalogue.entry.withdrawn',
};
const FAR_FUTURE = () => new Date(Date.now() + 3_600_000);
const quiet = { warn: () => undefined, error: () => undefined };
const ids = (events: { id: string }[] | undefined) => (events ?? []).map((e) => e.id);

describe('the outbox in the aggregate', () => {
  let engines: Engines;
  let nc: NatsConnection;
  let js: JetStreamClient;
  let connection: Connection;
  let publisher: EventPublisher;
  let collections = 0;

  before(async () => {
    engines = await startEngines();
    nc = await connect({ servers: engines.natsUrl });
    js = jetstream(nc);
    await ensureStreams(await jetstreamManager(nc));
    connection = await openConnection({ url: engines.mongoUrl });
    publisher = new EventPublisher(js, 'catalogue');
  });

  after(async () => {
    await nc?.close();
    await connection?.close();
    await engines?.stop();
  });

  const running = () =>
    new OutboxRelay(publisher, quiet, { sweepIntervalMs: 60_000, graceMs: 0, batch: 100 });
  async function stopped(): Promise<OutboxRelay> {
    const relay = running();
    await relay.stop();
    return relay;
  }
  const repository = (relay: OutboxRelay) =>
    new ParcelRepository(connection, relay, `parcels_${++collections}`);
  const parcel = (name = 'Thửa 12-345') => ({ _id: randomUUID(), name, area: 120.5 });

  /** The events about one aggregate now in the CATALOGUE stream, in stream order. */
  const streamed = async (aggregateId: string) =>
    (await readMessages(js, 'CATALOGUE'))
      .map((m) => Object.assign(fromNatsMessage(m.headers, m.data), { natsSubject: m.subject }))
      .filter((e) => e.subject === aggregateId);

  it('puts the events of an insert and an update into JetStream in order, about the aggregate', async () => {
    const repo = repository(running());
    const doc = parcel();
    const listed = eventAbout(doc._id, LISTED);
    const amended = eventAbout(doc._id, AMENDED);
    const withdrawn = eventAbout(doc._id, WITHDRAWN);

    await repo.insert(doc, [listed]);
    const updated = await repo.update(doc._id, 1, { name: 'Thửa 12-346' }, [amended, withdrawn]);
    assert.equal(updated.revision, 2, 'the update should bump the revision');
    assert.equal(updated.name, 'Thửa 12-346');
    assert.equal('outbox' in updated, false, 'the outbox is not part of the aggregate handed back');

    const events = await streamed(doc._id);
    assert.deepEqual(
      ids(events),
      ids([listed, amended, withdrawn]),
      'the stream should hold the three events in order',
    );
    assert.deepEqual(
      events.map((e) => e.natsSubject),
      [listed, amended, withdrawn].map((e) => SUBJECT_OF[e.type]),
      'each event should be on its contract subject',
    );
    assert.ok(
      events.every((e) => e.subject === doc._id),
      'every event should name the aggregate as its subject',
    );
    assert.deepEqual(events[1]!.data, amended.data);

    const stored = await repo.stored(doc._id);
    assert.deepEqual(ids(stored.outbox), [], 'published events should leave the outbox');
    assert.deepEqual(await repo.pending(FAR_FUTURE(), 10), [], 'nothing should be left for the sweeper');
  });

  it('refuses a change made at a stale revision and writes nothing', async () => {
    const repo = repository(running());
    const doc = parcel();
    await repo.insert(doc, [eventAbout(doc._id, LISTED)]);
    await repo.update(doc._id, 1, { name: 'first change' }, [eventAbout(doc._id, AMENDED)]);
    const before = (await streamed(doc._id)).length;

    const late = eventAbout(doc._id, WITHDRAWN);
    await assert.rejects(
      repo.update(doc._id, 1, { name: 'stale change' }, [late]),
      ConflictError,
      'a change based on revision 1 should conflict with revision 2',
    );

    const stored = await repo.stored(doc._id);
    assert.equal(stored.name, 'first change', 'the stale change should not be applied');
    assert.equal(stored.revision, 2, 'the revision should not move');
    assert.equal(
      ids(stored.outbox).includes(late.id),
      false,
      'the stale change’s event should not be in the outbox',
    );
    const after = await streamed(doc._id);
    assert.equal(after.length, before, 'no event should be published for a refused change');
    assert.equal(ids(after).includes(late.id), false);
  });

  it('says an aggregate that does not exist is not found, rather than changed by someone else', async () => {
    const repo = repository(running());
    await assert.rejects(repo.update(randomUUID(), 1, { name: 'x' }, []), NotFoundError);
  });

  it('keeps the events in the document while the relay is stopped, and a new relay’s sweep publishes them exactly once', async () => {
    const repo = repository(await stopped());
    const doc = parcel();
    const events = [
      eventAbout(doc._id, LISTED),
      eventAbout(doc._id, AMENDED),
      eventAbout(doc._id, WITHDRAWN),
    ];
    await repo.insert(doc, events.slice(0, 1));
    await repo.update(doc._id, 1, { area: 99 }, events.slice(1));

    const waiting = await repo.stored(doc._id);
    assert.deepEqual(
      ids(waiting.outbox),
      ids(events),
      'with the relay stopped, the events should wait in the outbox',
    );
    assert.equal(
      (await repo.pending(FAR_FUTURE(), 10)).length,
      1,
      'the sweeper should find the waiting events',
    );
    assert.deepEqual(
      await streamed(doc._id),
      [],
      'nothing should reach JetStream while the relay is stopped',
    );

    const next = running(); // e.g. the service after a restart
    next.register(repo);
    assert.equal(await next.sweep(FAR_FUTURE()), 3, 'the sweep should publish the three pending events');
    assert.equal(await next.sweep(FAR_FUTURE()), 0, 'a second sweep should find nothing left');

    const published = await streamed(doc._id);
    assert.deepEqual(ids(published), ids(events), 'each event should be in the stream once, in order');
    const stored = await repo.stored(doc._id);
    assert.deepEqual(ids(stored.outbox), []);
  });

  it('does not duplicate an event a crashed relay had sent but not yet removed from the outbox', async () => {
    const repo = repository(await stopped());
    const doc = parcel();
    const events = [eventAbout(doc._id, LISTED), eventAbout(doc._id, AMENDED)];
    await repo.insert(doc, events);
    await publisher.publish(events[0]!); // sent, then the process died before markPublished

    const next = running();
    next.register(repo);
    await next.sweep(FAR_FUTURE());
    assert.deepEqual(
      ids(await streamed(doc._id)),
      ids(events),
      'JetStream should keep one copy of the event sent twice (its id is the message id)',
    );
  });

  it('sweeps what its own stopped flushes left by _id, many aggregates at once, in order, and marks them in bulk', async () => {
    const relay = running();
    const repo = repository(relay);
    assert.equal(await relay.sweep(FAR_FUTURE()), 0, 'the start-up pass over the whole collection');
    const bystander = parcel('published long ago');
    await repo.insert(bystander, [eventAbout(bystander._id, LISTED)]);
    await relay.stop(); // as if the broker were unreachable: flushes leave everything in the outboxes
    // More than 100: one update command of that many statements never returns on FerretDB v1.
    const docs = Array.from({ length: 110 }, () => parcel());
    for (const doc of docs) {
      await repo.insert(doc, [eventAbout(doc._id, LISTED)]);
      await repo.update(doc._id, 1, { area: 7 }, [eventAbout(doc._id, AMENDED)]);
    }
    const byId: string[][] = [];
    const scans: number[] = [];
    const pendingOf = repo.pendingOf.bind(repo);
    const pending = repo.pending.bind(repo);
    repo.pendingOf = (aggregateIds, before) => (byId.push(aggregateIds), pendingOf(aggregateIds, before));
    repo.pending = (before, limit) => (scans.push(limit), pending(before, limit));

    assert.equal(await relay.sweep(FAR_FUTURE()), 200, 'two events of each of a batch (100 aggregates)');
    assert.equal(await relay.sweep(FAR_FUTURE()), 20, 'then the ten left');
    assert.deepEqual(scans, [], 'no read of the whole collection');
    assert.deepEqual(
      new Set(byId.flat()),
      new Set(docs.map((d) => d._id)),
      'exactly the aggregates written since',
    );
    for (const doc of docs) {
      const stream = await streamed(doc._id);
      assert.deepEqual(
        stream.map((e) => e.type),
        [LISTED, AMENDED],
        `${doc._id}: its events once each, in order`,
      );
      assert.deepEqual(ids((await repo.stored(doc._id)).outbox), [], 'removed from the outbox');
    }
    assert.equal(await relay.sweep(FAR_FUTURE()), 0, 'nothing left');
    assert.deepEqual(
      byId.map((read) => read.length),
      [100, 10],
      'and nothing left to read',
    );
  });

  it('marks events published without losing events added to the outbox meanwhile', async () => {
    const repo = repository(await stopped());
    const doc = parcel();
    const first = eventAbout(doc._id, LISTED);
    const meanwhile = eventAbout(doc._id, AMENDED);
    await repo.insert(doc, [first]);
    const [pending] = await repo.pending(FAR_FUTURE(), 10);
    assert.deepEqual(ids(pending?.events), [first.id]);

    // While the relay publishes `first`, a use case adds another event.
    await repo.update(doc._id, 1, { name: 'changed meanwhile' }, [meanwhile]);
    await repo.markPublished(doc._id, [first.id]);

    let stored = await repo.stored(doc._id);
    assert.deepEqual(ids(stored.outbox), [meanwhile.id], 'only the published event should leave the outbox');
    assert.deepEqual(
      (await repo.pending(FAR_FUTURE(), 10)).map((p) => ids(p.events)),
      [[meanwhile.id]],
      'the sweeper should still find the event added meanwhile',
    );
    assert.deepEqual(
      (await repo.pending(FAR_FUTURE(), 10)).map((p) => ids(p.events)),
      [[meanwhile.id]],
      'the sweeper should still find the event added meanwhile',
    );

    await repo.markPublished(doc._id, [meanwhile.id]);
    stored = await repo.stored(doc._id);
    assert.deepEqual(ids(stored.outbox), []);
    assert.deepEqual(await repo.pending(FAR_FUTURE(), 10), [], 'nothing should be left for the sweeper');
  });

  it('dead-letters an event that breaks its contract, with its reasons, and publishes the one behind it', async () => {
    const errors: { obj: object; msg: string }[] = [];
    const relay = new OutboxRelay(
      publisher,
      { warn: () => undefined, error: (obj, msg) => errors.push({ obj, msg }) },
      { sweepIntervalMs: 60_000, graceMs: 0, batch: 100 },
    );
    const repo = repository(relay);
    const doc = parcel();
    // A bug in a use case: version 0 is below the contract's minimum of 1.
    const broken = createEvent(
      AMENDED,
      { ...example(AMENDED), entryId: doc._id, version: 0 },
      { source: '/openlgsp/catalogue', subject: doc._id },
    );
    const behind = eventAbout(doc._id, WITHDRAWN);

    await repo.insert(doc, [broken, behind]);

    assert.deepEqual(
      ids(await streamed(doc._id)),
      [behind.id],
      'the valid event behind the broken one should be published, the broken one not',
    );
    const dead = (await readMessages(js, 'DLQ')).filter((m) => m.headers?.get('ce-id') === broken.id);
    assert.equal(dead.length, 1, 'the broken event should be in the dead letters once');
    const [copy] = dead;
    assert.equal(copy!.subject, 'lgsp.dlq.catalogue');
    assert.match(copy!.headers!.get('Lgsp-Dlq-Reason'), /^contract: \/data\/version .*>= 1/);
    assert.equal(copy!.headers!.get('Lgsp-Dlq-Subject'), SUBJECT_OF[AMENDED]);
    assert.equal(copy!.headers!.get('Lgsp-Dlq-Stream'), `outbox:${repo.name}`);
    assert.equal(copy!.headers!.get('Lgsp-Dlq-Deliveries'), '0');
    assert.deepEqual(fromNatsMessage(copy!.headers, copy!.data).data, broken.data, 'the event as written');

    assert.deepEqual(ids((await repo.stored(doc._id)).outbox), [], 'the outbox should be empty');
    relay.register(repo);
    assert.equal(await relay.sweep(FAR_FUTURE()), 0, 'nothing should be left to retry');
    assert.equal(errors.length, 1, 'the broken event should be logged once as an error');
    assert.equal((errors[0]!.obj as { eventId?: string }).eventId, broken.id);
    const counted = (await eventMetrics.invalid.get()).values.find((v) => v.labels.store === repo.name);
    assert.equal(counted?.value, 1, 'lgsp_events_invalid_total should count it for its store');
  });

  describe('the use-case step: load, apply a rule, save state and facts in one write', () => {
    const officer: Actor = { sub: 'lan', agency: 'STNMT', roles: ['provider'] };
    const fact = (id: string) =>
      ({ type: AMENDED, data: { ...example(AMENDED), entryId: id } }) as Change<Parcel>['facts'][number];
    const rename = (name: string) => (doc: Parcel) =>
      ok<Change<Parcel>>({ next: { ...doc, name }, facts: [fact(doc._id)] });

    it('writes the next state and its facts as events by the actor, at the next revision', async () => {
      const repo = repository(running());
      const doc = parcel();
      await repo.insert(doc, []);

      const updated = await repo.apply(doc._id, officer, rename('Thửa 12-346'));
      assert.equal(updated.name, 'Thửa 12-346');
      assert.equal(updated.revision, 2, 'the write should bump the revision');
      const [event] = await streamed(doc._id);
      assert.equal(event?.type, AMENDED, 'the fact should be published as an event about the aggregate');
      assert.equal(event?.agency, 'STNMT', 'the event should name the acting agency');
      assert.equal(event?.actor, 'lan', 'the event should name the acting user');
    });

    it('writes nothing when the rule establishes no fact', async () => {
      const repo = repository(running());
      const doc = parcel();
      await repo.insert(doc, []);
      const same = await repo.apply(doc._id, officer, (d) =>
        ok({ next: { ...d, name: 'ignored' }, facts: [] }),
      );
      assert.equal(same.revision, 1, 'a rule without facts should leave the revision alone');
      assert.equal((await repo.stored(doc._id)).name, doc.name, 'a rule without facts should change nothing');
    });

    it('answers not found for a document its actor may not see, before any rule runs', async () => {
      const repo = repository(running());
      const doc = parcel();
      await repo.insert(doc, []);
      let ran = false;
      await assert.rejects(
        repo.apply(
          doc._id,
          officer,
          (d) => {
            ran = true;
            return rename('x')(d);
          },
          { visible: () => false },
        ),
        NotFoundError,
      );
      assert.equal(ran, false, 'the rule should not run on a hidden document');
    });

    it('creates an aggregate with its facts as events about it', async () => {
      const repo = repository(running());
      const doc = { ...parcel(), revision: 1 };
      await repo.create({ next: doc, facts: [fact(doc._id)] }, officer);
      assert.equal((await repo.stored(doc._id)).name, doc.name);
      assert.deepEqual(
        (await streamed(doc._id)).map((e) => e.subject),
        [doc._id],
        'the creation should publish one event about the new aggregate',
      );
    });

    it('runs the step before publishing after the state is stored and before any of its events is published', async () => {
      const repo = repository(running());
      const doc = { ...parcel(), revision: 1 };
      const seen: { name: string; stored: string; published: number }[] = [];
      const beforePublish = async (d: Parcel) => {
        const stored = await repo.stored(d._id);
        seen.push({ name: d.name, stored: stored.name, published: (await streamed(d._id)).length });
      };
      await repo.create({ next: doc, facts: [fact(doc._id)] }, officer, { beforePublish });
      await repo.apply(doc._id, officer, rename('Thửa 12-346'), { beforePublish });
      assert.deepEqual(
        seen,
        [
          { name: doc.name, stored: doc.name, published: 0 },
          { name: 'Thửa 12-346', stored: 'Thửa 12-346', published: 1 },
        ],
        'each step should see its write stored and its own events not yet published',
      );
      assert.equal((await streamed(doc._id)).length, 2, 'both writes should then publish their events');
    });

    it('keeps the write and leaves its events to the sweeper when the step before publishing fails', async () => {
      const relay = running();
      const repo = repository(relay);
      const doc = parcel();
      await repo.insert(doc, []);
      await assert.rejects(
        repo.apply(doc._id, officer, rename('Thửa 12-346'), {
          beforePublish: () => Promise.reject(new Error('read model unreachable')),
        }),
        /read model unreachable/,
      );
      const stored = await repo.stored(doc._id);
      assert.equal(stored.name, 'Thửa 12-346', 'the write should stand');
      assert.equal(ids(stored.outbox).length, 1, 'its event should wait in the outbox');
      assert.equal((await streamed(doc._id)).length, 0, 'nothing should be published yet');
      await relay.sweep(FAR_FUTURE());
      assert.equal((await streamed(doc._id)).length, 1, 'the sweeper should publish the event');
    });

    it('counts a time-driven step another instance got to first as not applied, and throws other refusals', async () => {
      const repo = repository(running());
      const doc = parcel();
      await repo.insert(doc, []);
      const seen: Parcel[] = [];
      assert.equal(
        await repo.applyDue(doc._id, rename('due'), { beforePublish: async (d) => void seen.push(d) }),
        true,
        'a due step that applies should say so',
      );
      assert.deepEqual(
        seen.map((d) => d.name),
        ['due'],
        'the step before publishing should get the written state',
      );
      assert.equal(
        await repo.applyDue(doc._id, () => fail('conflict', 'already-done', 'done elsewhere')),
        false,
        'a conflict means another instance did it',
      );
      await assert.rejects(
        repo.applyDue(doc._id, () => fail('forbidden', 'no', 'no')),
        /no/,
        'any other refusal is an error of the step',
      );
    });
  });
});
