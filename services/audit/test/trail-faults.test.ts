import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { Mongoose, type Connection } from 'mongoose';
import { logToSuiteFile, startMongo, type StartedEngine } from '@openlgsp/testing';
import { verifyStoredTrail } from '../src/verification/verification.service.js';
import { trustedKeys } from '../src/checkpoints/checkpoint.rules.js';
import type { ReceivedMessage, TrailEntry } from '../src/trail/entry.model.js';
import { contentOf, linked } from '../src/trail/trail.rules.js';
import { TrailStore, type AppendOutcome, type EntryDoc } from '../src/trail/trail.store.js';

/**
 * The trail's writer against what a crash leaves in a real store (FerretDB, or MONGO_URL): entries
 * past the head that do not link to it, a claim taken as stale between insert and head move, an
 * insert landing after its claim was settled (issue 13 §5: nothing accepted is lost). Each test has
 * its own database, so the state past the head is exactly what the test built.
 */
logToSuiteFile();
let mongo: StartedEngine;
const connections: Connection[] = [];
const clock = () => new Date('2025-03-01T00:00:00.000Z');

before(async () => {
  mongo = await startMongo();
});
after(async () => {
  await Promise.all(connections.map((c) => c.close()));
  await mongo?.dispose();
});

/** A fresh trail database and `n` writers on it (several audit instances), each on its own connection. */
async function trailWith(n: number): Promise<{ writers: TrailStore[]; db: Connection }> {
  const name = `trail_${randomBytes(4).toString('hex')}`;
  const writers: TrailStore[] = [];
  let db: Connection | undefined;
  for (let k = 0; k < n; k++) {
    const connection = await new Mongoose().createConnection(`${mongo.url}${name}`).asPromise();
    connections.push(connection);
    db ??= connection;
    const writer = new TrailStore(connection, clock);
    await writer.onModuleInit();
    writers.push(writer);
  }
  return { writers, db: db! };
}

let streamSeq = 0;
/** A message of its own (not a CloudEvent: keyed by stream and sequence). */
function message(text = 'alert'): ReceivedMessage {
  return {
    stream: 'INCIDENTS',
    streamSeq: ++streamSeq,
    subject: 'lgsp.incidents.fault',
    headers: [],
    data: new TextEncoder().encode(`${text} ${streamSeq}`),
  };
}
const keyOf = (m: ReceivedMessage) => contentOf(m).key;

const entriesOf = (db: Connection) => db.db!.collection<EntryDoc>('entries');
const headOf = (db: Connection) =>
  db.db!.collection<{ _id: string; seq: number; hash: string; pending: { at: number } | null }>('chain');

/** What a writer that died left: an entry for `m` at `seq`, linked to a head that is not the trail's. */
async function orphan(db: Connection, m: ReceivedMessage, seq: number): Promise<void> {
  const entry = linked(contentOf(m), { seq: seq - 1, hash: 'e'.repeat(64) }, clock());
  await entriesOf(db).insertOne({ _id: seq, ...entry });
}

/** The whole trail verifies, and its head is at `seq`. */
async function assertVerifies(trail: TrailStore, seq: number): Promise<void> {
  const report = await verifyStoredTrail(trail, { checkpoints: [], keys: trustedKeys() });
  assert.equal(report.ok, true, `the chain breaks: ${JSON.stringify(report.firstBreak)}`);
  assert.equal(report.head.seq, seq, 'the head');
}

/** How many stored entries hold each message's key (exactly once: 1 each). */
async function copies(db: Connection, messages: ReceivedMessage[]): Promise<number[]> {
  const stored = await entriesOf(db).find({}).toArray();
  return messages.map((m) => stored.filter((doc) => doc.key === keyOf(m)).length);
}

const recorded = (outcomes: AppendOutcome[]) => outcomes.map((o) => (o.duplicate ? 'duplicate' : 'recorded'));

/** Makes the claim on the head look like a dead writer's (older than the 30 s a claim is trusted). */
async function ageClaim(db: Connection): Promise<void> {
  await headOf(db).updateOne({ _id: 'head' }, { $set: { 'pending.at': Date.now() - 31_000 } });
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** A writer's insertMany, spied on (the real one still runs): `around` decides when it goes to the store. */
function aroundInsert(
  writer: TrailStore,
  around: (insert: () => Promise<unknown>) => Promise<unknown>,
): void {
  const real = writer.entries.insertMany.bind(writer.entries);
  let first = true;
  Object.assign(writer.entries, {
    insertMany: (docs: never, options: never) => {
      if (!first) return real(docs, options);
      first = false;
      return around(() => real(docs, options));
    },
  });
}

describe('the trail with entries past its head that a lost writer left', () => {
  it('records a message whose places are held by entries that do not link to the head', async () => {
    const { writers, db } = await trailWith(2);
    const [before, after] = writers as [TrailStore, TrailStore];
    const early = [message(), message(), message()];
    await before.appendBatch(early);
    await before.onApplicationShutdown(); // that writer is gone; its claim freed
    // A dead writer's entries at places 4, 5 and 7, linked to a head the trail never had.
    await orphan(db, message('lost'), 4);
    await orphan(db, message('lost'), 5);
    await orphan(db, message('lost'), 7);

    const next = [message(), message()];
    const outcomes = await after.appendBatch(next);

    assert.deepEqual(recorded(outcomes), ['recorded', 'recorded'], 'neither taken for a duplicate');
    assert.deepEqual(
      outcomes.map((o) => o.entry?.seq),
      [4, 5],
    );
    assert.deepEqual(await copies(db, [...early, ...next]), [1, 1, 1, 1, 1]);
    assert.equal(await entriesOf(db).countDocuments(), 5, 'the three orphans removed');
    await assertVerifies(after, 5);
  });

  it('records a message whose key an entry past the head holds without linking to it', async () => {
    const { writers, db } = await trailWith(1);
    const [writer] = writers as [TrailStore];
    await writer.appendBatch([message(), message()]);
    const [waiting, other] = [message(), message()];
    // A dead writer had recorded `waiting` beyond a gap: its key is taken, by no entry of the chain.
    await orphan(db, waiting, 6);

    const outcomes = await writer.appendBatch([other, waiting]);

    assert.deepEqual(recorded(outcomes), ['recorded', 'recorded'], 'the key is nowhere in the chain');
    assert.deepEqual(await copies(db, [other, waiting]), [1, 1]);
    await assertVerifies(writer, 4);
    // A message whose key is in the chain is still a duplicate.
    assert.deepEqual(recorded(await writer.appendBatch([waiting, message()])), ['duplicate', 'recorded']);
    await assertVerifies(writer, 5);
  });

  it('adopts the run a dead writer left that links to the head: its messages recorded once', async () => {
    const { writers, db } = await trailWith(2);
    const [before, after] = writers as [TrailStore, TrailStore];
    await before.appendBatch([message()]);
    await before.onApplicationShutdown();
    const head = (await after.currentHead()) as { seq: number; hash: string };
    const left = [message(), message()];
    let tip = head;
    for (const m of left) {
      const entry: TrailEntry = linked(contentOf(m), tip, clock());
      await entriesOf(db).insertOne({ _id: entry.seq, ...entry });
      tip = entry;
    }
    // Its messages come again (redelivered, never acked) with a new one.
    const fresh = message();
    const outcomes = await after.appendBatch([fresh, ...left]);

    assert.equal(outcomes[0]!.duplicate, false);
    assert.equal(outcomes[0]!.entry!.seq, 4, 'after the adopted run');
    assert.deepEqual(await copies(db, [...left, fresh]), [1, 1, 1]);
    await assertVerifies(after, 4);
  });
});

describe('a batch of redelivered messages', () => {
  it('is told duplicate after one look past the head, not one per message', async () => {
    const { writers, db } = await trailWith(1);
    const [writer] = writers as [TrailStore];
    const recordedBefore = [message(), message(), message(), message()];
    await writer.appendBatch(recordedBefore);
    let reads = 0;
    const find = writer.entries.find.bind(writer.entries);
    // Count the reads of entries (the store's own collection, spied on, not replaced).
    Object.assign(writer.entries, {
      find: (...args: Parameters<typeof find>) => {
        reads++;
        return find(...args);
      },
    });
    const fresh = message();
    const outcomes = await writer.appendBatch([...recordedBefore, fresh]);
    delete (writer.entries as { find?: unknown }).find;

    assert.deepEqual(recorded(outcomes), ['duplicate', 'duplicate', 'duplicate', 'duplicate', 'recorded']);
    assert.equal(reads, 1, 'one range read for the whole batch');
    assert.deepEqual(await copies(db, [...recordedBefore, fresh]), [1, 1, 1, 1, 1]);
    await assertVerifies(writer, 5);
  });
});

describe('a batch longer than the store inserts at once, with messages already in the trail', () => {
  it('records every other message once: a refused entry stops the whole insert', async () => {
    // FerretDB v1 goes on with its next 100 documents after a refused one, even in an ordered
    // insert: they landed past the head, in later messages' places and with their keys (issue 13 §5).
    const { writers, db } = await trailWith(1);
    const [writer] = writers as [TrailStore];
    const inTrail = [message(), message()];
    await writer.appendBatch(inTrail);
    const fresh = Array.from({ length: 248 }, () => message());
    const batch = [
      ...fresh.slice(0, 10),
      inTrail[0]!,
      ...fresh.slice(10, 20),
      inTrail[1]!,
      ...fresh.slice(20),
    ];
    const outcomes = await writer.appendBatch(batch);

    const told = recorded(outcomes);
    assert.deepEqual(
      told.flatMap((o, i) => (o === 'duplicate' ? [i] : [])),
      [10, 21],
      'only the two already in the trail are told duplicate',
    );
    assert.deepEqual(
      (await copies(db, [...inTrail, ...fresh])).filter((n) => n !== 1),
      [],
      'each message in the trail once',
    );
    assert.equal(await entriesOf(db).countDocuments({ _id: { $gt: 250 } }), 0, 'nothing past the head');
    await assertVerifies(writer, 250);
  });
});

describe('a writer whose claim is taken as stale', () => {
  it('after its insert landed: the next writer adopts its entries and each message is in the trail once', async () => {
    const { writers, db } = await trailWith(2);
    const [slow, next] = writers as [TrailStore, TrailStore];
    await slow.appendBatch([message()]);
    const mine = [message(), message()];
    const theirs = message();
    let theirOutcome: AppendOutcome | undefined;
    aroundInsert(slow, async (insert) => {
      const done = await insert();
      // It stalls past 30 s between insert and head move; the other writer settles its claim meanwhile.
      await ageClaim(db);
      theirOutcome = await next.append(theirs);
      return done;
    });

    const outcomes = await slow.appendBatch(mine);

    assert.equal(theirOutcome?.duplicate, false);
    assert.deepEqual(await copies(db, [...mine, theirs]), [1, 1, 1]);
    for (const [k, o] of outcomes.entries())
      assert.ok(o.duplicate || o.entry, `message ${k}: an outcome, acked only once in the trail`);
    await assertVerifies(slow, 4);
  });

  it('before its insert landed: its messages are recorded once, after the other writer’s', async () => {
    const { writers, db } = await trailWith(2);
    const [slow, next] = writers as [TrailStore, TrailStore];
    await slow.appendBatch([message()]);
    const mine = [message(), message()];
    const theirs = message();
    aroundInsert(slow, async (insert) => {
      // The claim is settled (nothing of it found) and the other writer records first; then it lands.
      await ageClaim(db);
      assert.equal((await next.append(theirs)).duplicate, false);
      return insert();
    });

    const outcomes = await slow.appendBatch(mine);

    assert.deepEqual(recorded(outcomes), ['recorded', 'recorded'], 'none taken for a duplicate');
    assert.deepEqual(await copies(db, [...mine, theirs]), [1, 1, 1]);
    await assertVerifies(slow, 4);
  });

  it('its insert landing after its claim was settled, before the next writer’s: nothing lost, nothing twice', async () => {
    const { writers, db } = await trailWith(2);
    const [slow, next] = writers as [TrailStore, TrailStore];
    await slow.appendBatch([message()]);
    const mine = [message(), message()];
    const theirs = message();
    const paused = deferred();
    const released = deferred();
    const landed = deferred();
    aroundInsert(slow, async (insert) => {
      await ageClaim(db);
      paused.resolve();
      await released.promise;
      const done = await insert();
      landed.resolve();
      return done;
    });
    // The next writer settles the stale claim (nothing of it found yet); just before it inserts, the
    // slow writer's insert lands on the very places it claimed.
    aroundInsert(next, async (insert) => {
      released.resolve();
      await landed.promise;
      return insert();
    });
    const slowly = slow.appendBatch(mine);
    await paused.promise;
    const theirOutcome = await next.append(theirs);
    const outcomes = await slowly;

    assert.equal(theirOutcome.duplicate, false);
    assert.deepEqual(await copies(db, [...mine, theirs]), [1, 1, 1]);
    for (const [k, o] of outcomes.entries())
      assert.ok(o.duplicate || o.entry, `message ${k}: an outcome, acked only once in the trail`);
    await assertVerifies(slow, 4);
  });
});

describe('two writers among what lost writers left', () => {
  it('records each message exactly once, whatever lies past the head, and the chain verifies', async () => {
    const { writers, db } = await trailWith(2);
    const [a, b] = writers as [TrailStore, TrailStore];
    await a.appendBatch([message()]);
    // One round: entries left past the head (some on the next places, some holding the key of a
    // message about to come, some a run that links), then both writers append overlapping batches.
    const round = fc.record({
      linking: fc.nat({ max: 2 }),
      orphans: fc.array(fc.record({ offset: fc.integer({ min: 1, max: 8 }), holds: fc.nat({ max: 6 }) }), {
        maxLength: 4,
      }),
      split: fc.nat({ max: 6 }),
      overlap: fc.nat({ max: 3 }),
    });
    await fc.assert(
      fc.asyncProperty(round, async ({ linking, orphans, split, overlap }) => {
        const upcoming = Array.from({ length: 6 }, () => message());
        const head = await a.currentHead();
        let tip = head;
        for (let k = 0; k < linking; k++) {
          const entry: TrailEntry = linked(contentOf(message('lost')), tip, clock());
          await entriesOf(db).insertOne({ _id: entry.seq, ...entry });
          tip = entry;
        }
        for (const { offset, holds } of orphans)
          await orphan(db, upcoming[holds] ?? message('lost'), tip.seq + offset).catch((err: unknown) => {
            if ((err as { code?: number }).code !== 11000) throw err; // that place or key is taken already
          });
        const [fromA, fromB] = await Promise.all([
          a.appendBatch(upcoming.slice(0, split + overlap)),
          b.appendBatch(upcoming.slice(split)),
        ]);
        const outcomes = [
          ...fromA.map((o, k) => ({ o, m: upcoming[k]! })),
          ...fromB.map((o, k) => ({ o, m: upcoming[split + k]! })),
        ];
        const { seq } = await a.currentHead();
        const chain = await entriesOf(db)
          .find({ _id: { $lte: seq } })
          .toArray();
        for (const m of upcoming) {
          const inChain = chain.filter((doc) => doc.key === keyOf(m)).length;
          const told = outcomes.filter(({ o, m: x }) => x === m && !o.duplicate).length;
          assert.equal(inChain, 1, `message ${m.streamSeq}: ${inChain} entries in the chain`);
          assert.equal(told, 1, `message ${m.streamSeq}: reported recorded ${told} times`);
        }
      }),
      { numRuns: 25 },
    );
    await assertVerifies(a, (await a.currentHead()).seq);
  });
});
