import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { createEvent, toNatsMessage, type LgspEvent } from '@openlgsp/events';
import { MONGO_CONNECTION } from '@openlgsp/persistence';
import { findEvent, manualClock, publishedOpenApi, type ServiceUnderTest } from '@openlgsp/http/testing';
import type { Connection } from 'mongoose';
import { main } from '../src/cli/verify.js';
import { trustedKeys, type Checkpoint } from '../src/checkpoints/checkpoint.rules.js';
import { parseArchive, verifyArchive } from '../src/retention/archive.format.js';
import type { TrailEntry } from '../src/trail/entry.model.js';
import { TrailStore, type EntryDoc } from '../src/trail/trail.store.js';
import { linked } from '../src/trail/trail.rules.js';
import { CheckpointsService } from '../src/checkpoints/checkpoints.service.js';
import { startAudit } from './service.js';

/**
 * The audit service against a real nats-server and FerretDB: every stream recorded once, in order,
 * chained, checkpointed, verified, queried within scope, exported and archived.
 */
let sut: ServiceUnderTest;
let dic: string;
const dir = mkdtempSync(join(tmpdir(), 'lgsp-audit-'));
const clock = manualClock('2025-01-01T00:00:00Z');

before(async () => {
  sut = await startAudit(clock, dir, { AUDIT_RETENTION_DAYS: '30', AUDIT_ACK_WAIT_MS: '3000' });
  dic = await sut.token('STTTT', ['dic']);
});
after(async () => {
  await sut?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The command-line tool, its report and messages kept out of the test's output. */
const discard = { write: () => true };
const verifyCli = (argv: string[]) => main(argv, { out: discard, err: discard });

/** The service's own connection (a restart opens a new one). */
const connection = () => sut.app.get<Connection>(MONGO_CONNECTION);

const traceparent = (traceId = randomBytes(16).toString('hex')) =>
  `00-${traceId}-${randomBytes(8).toString('hex')}-01`;

function catalogueEvent(agency = 'STNMT', tp = traceparent()): LgspEvent {
  const event = createEvent(
    'vn.openlgsp.catalogue.agency.updated.v1',
    { code: agency, name: 'Sở', level: 'province' },
    { source: '/openlgsp/catalogue', subject: agency, agency, actor: 'dic-officer' },
  );
  return { ...event, traceparent: tp };
}

async function publish(subject: string, event: LgspEvent, msgId = true): Promise<void> {
  const { headers, body } = toNatsMessage(event);
  if (!msgId) headers.delete('Nats-Msg-Id');
  await sut.js.publish(subject, body, { headers });
}

async function entries(query = ''): Promise<TrailEntry[]> {
  const answer = await sut.request('GET', `/audit/entries?limit=200${query}`, { token: dic });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body.items;
}

/** Waits until `count` entries match the query. */
async function recorded(query: string, count: number, waitMs = 20_000): Promise<TrailEntry[]> {
  const until = Date.now() + waitMs;
  for (;;) {
    const found = await entries(query);
    if (found.length >= count || Date.now() > until) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function verification(query = '') {
  const answer = await sut.request('GET', `/audit/verification${query}`, { token: dic });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body;
}

describe('recording', () => {
  it('records events from several streams once each, in order, with who, what and the trace id', async () => {
    const traceId = randomBytes(16).toString('hex');
    const first = catalogueEvent('STNMT', traceparent(traceId));
    const intake = createEvent(
      'vn.openlgsp.catalogue.data-error.reported.v1',
      { entryId: '0197a1b2-7c4d-7e8f-9a01-0000000000f0', description: 'sai' },
      { source: '/agencies/SYT/his', agency: 'SYT', actor: 'his' },
    );
    await publish('lgsp.catalogue.agency.updated', first);
    await publish('lgsp.intake.SYT.catalogue.data-error.reported', {
      ...intake,
      traceparent: traceparent(traceId),
    });
    // Not a CloudEvent at all: still evidence.
    await sut.js.publish('lgsp.dlq.catalogue', new TextEncoder().encode('{broken'), {
      headers: (() => {
        const h = natsHeaders();
        h.set('Lgsp-Dlq-Reason', 'refused');
        h.set('ce-traceparent', traceparent(traceId));
        return h;
      })(),
    });
    const found = await recorded(`&traceId=${traceId}`, 3);
    assert.equal(found.length, 3, 'three messages, three entries');
    const byStream = Object.fromEntries(found.map((e) => [e.stream, e]));
    assert.equal(byStream.CATALOGUE!.type, first.type);
    assert.equal(byStream.CATALOGUE!.agency, 'STNMT');
    assert.equal(byStream.CATALOGUE!.actor, 'dic-officer');
    assert.equal(byStream.CATALOGUE!.eventId, first.id);
    assert.equal(byStream.INTAKE!.agency, 'SYT');
    assert.equal(byStream.DLQ!.wellFormed, false);
    assert.ok(byStream.DLQ!.problems?.length);
    assert.equal(Buffer.from(byStream.DLQ!.data, 'base64').toString(), '{broken', 'the bytes as received');
    assert.ok(byStream.DLQ!.headers.some((h) => h.name === 'Lgsp-Dlq-Reason' && h.value === 'refused'));
    assert.equal(new Set(found.map((e) => e.seq)).size, 3, 'three places in the chain');
  });

  it('records a republished event once (same source and id), and keeps order per stream', async () => {
    const subjects = Array.from({ length: 20 }, () => catalogueEvent('SXD'));
    for (const e of subjects) await publish('lgsp.catalogue.agency.updated', e);
    // The outbox may republish after JetStream's duplicate window: no Nats-Msg-Id dedup helps then.
    await publish('lgsp.catalogue.agency.updated', subjects[3]!, false);
    await publish('lgsp.catalogue.agency.updated', subjects[7]!, false);
    const marker = catalogueEvent('SXD');
    await publish('lgsp.catalogue.agency.updated', marker);
    const found = await recorded(`&agency=SXD`, 21);
    await new Promise((r) => setTimeout(r, 300));
    const all = (await entries('&agency=SXD')).reverse();
    assert.deepEqual(
      all.map((e) => e.eventId),
      [...subjects, marker].map((e) => e.id),
      'each event once, in the order published',
    );
    assert.ok(found.length >= 21);
  });

  it('loses and duplicates nothing across a restart', async () => {
    const before = (await verification()).head.seq;
    const early = Array.from({ length: 5 }, () => catalogueEvent('SCT'));
    for (const e of early) await publish('lgsp.catalogue.agency.updated', e);
    await sut.restart();
    const late = Array.from({ length: 5 }, () => catalogueEvent('SCT'));
    for (const e of late) await publish('lgsp.catalogue.agency.updated', e);
    const found = await recorded('&agency=SCT', 10);
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(
      (await entries('&agency=SCT')).map((e) => e.eventId).sort(),
      [...early, ...late].map((e) => e.id).sort(),
    );
    assert.equal(found.length, 10);
    const report = await verification();
    assert.equal(report.ok, true, JSON.stringify(report.firstBreak));
    assert.equal(report.head.seq, before + 10);
  });

  it('loses nothing while the store is down: the events wait in JetStream', async () => {
    await sut.engines.mongo.stop();
    const waiting = Array.from({ length: 5 }, () => catalogueEvent('SGTVT'));
    for (const e of waiting) await publish('lgsp.catalogue.agency.updated', e);
    await new Promise((r) => setTimeout(r, 1_500));
    await sut.engines.mongo.start();
    const found = await recorded('&agency=SGTVT', 5, 40_000);
    assert.deepEqual(found.map((e) => e.eventId).sort(), waiting.map((e) => e.id).sort());
    assert.equal((await verification()).ok, true);
  });

  it('keeps what waits to be recorded through a stalled store: nothing is delivered twice', async () => {
    const jsm = await jetstreamManager(sut.nc);
    // Deliveries so far, redeliveries included (JetStream counts each in the consumer sequence).
    const delivered = async () =>
      (await jsm.consumers.info('CATALOGUE', 'audit-catalogue')).delivered.consumer_seq;
    const before = await delivered();
    const waiting = Array.from({ length: 20 }, () => catalogueEvent('SKHDT'));
    await sut.engines.mongo.pause();
    try {
      for (const e of waiting) await publish('lgsp.catalogue.agency.updated', e);
      // Frozen for more than twice the ack wait (3 s here): without in-progress acks JetStream would
      // have delivered the batch being appended, and those queued behind it, again by now.
      await new Promise((r) => setTimeout(r, 7_000));
    } finally {
      await sut.engines.mongo.resume();
    }
    const found = await recorded('&agency=SKHDT', 20, 40_000);
    assert.deepEqual(found.map((e) => e.eventId).sort(), waiting.map((e) => e.id).sort());
    assert.equal((await delivered()) - before, 20, 'each of the 20 delivered once');
  });

  it('never forks the chain when two writers append at once', async () => {
    const a = new TrailStore(connection(), clock);
    const b = new TrailStore(connection(), clock);
    const message = (i: number) => ({
      stream: 'INCIDENTS',
      streamSeq: 100_000 + i,
      subject: 'lgsp.incidents.test',
      headers: [],
      data: new TextEncoder().encode(String(i)),
    });
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) => (i % 2 ? a : b).append(message(i % 40))),
    );
    assert.equal(results.filter((r) => !r.duplicate).length, 40, 'each message once, whichever writer');
    const report = await verification();
    assert.equal(report.ok, true, JSON.stringify(report.firstBreak));
    const seqs = (await entries('&stream=INCIDENTS')).map((e) => e.seq);
    assert.equal(new Set(seqs).size, 40);
  });
  it('never forks the chain when two writers append overlapping batches at once', async () => {
    const a = new TrailStore(connection(), clock);
    const b = new TrailStore(connection(), clock);
    const message = (i: number) => ({
      stream: 'INCIDENTS',
      streamSeq: 300_000 + i,
      subject: 'lgsp.incidents.overlap',
      headers: [],
      data: new TextEncoder().encode(`overlap ${i}`),
    });
    const range = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, k) => message(from + k));
    // Both writers get messages 20..39 (a redelivery to another instance), each its own as well.
    const [fromA, fromB] = await Promise.all([
      a.appendBatch(range(0, 40)),
      b.appendBatch([...range(20, 40), ...range(40, 60)]),
    ]);
    const recorded = [...fromA, ...fromB].filter((o) => !o.duplicate);
    assert.equal(recorded.length, 60, 'each message once, whichever writer');
    const report = await verification();
    assert.equal(report.ok, true, JSON.stringify(report.firstBreak));
    const stored = (await entries('&stream=INCIDENTS')).filter(
      (e) => e.natsSubject === 'lgsp.incidents.overlap',
    );
    assert.equal(new Set(stored.map((e) => e.streamSeq)).size, 60);
    assert.equal(stored.length, 60);
  });

  it('appends a batch with one insert and one move of the head, each message once even when copies fall inside it', async () => {
    const trail = new TrailStore(connection(), clock);
    const message = (i: number) => ({
      stream: 'INCIDENTS',
      streamSeq: 200_000 + i,
      subject: 'lgsp.incidents.batch',
      headers: [],
      data: new TextEncoder().encode(`batch ${i}`),
    });
    const first = await trail.appendBatch([message(1), message(2)]);
    assert.deepEqual(
      first.map((o) => o.duplicate),
      [false, false],
    );
    const db = connection().db!;
    const inserts: number[] = [];
    const headMoves: number[] = [];
    const entriesCol = db.collection('entries');
    const chainCol = db.collection('chain');
    const insertMany = entriesCol.insertMany.bind(entriesCol);
    const updateOne = chainCol.updateOne.bind(chainCol);
    // Count the writes of the next batch (the store's own collections, spied on, not replaced).
    Object.assign(trail.entries, {
      insertMany: (docs: unknown[], options: unknown) => {
        inserts.push(docs.length);
        return insertMany(docs as never, options as never);
      },
    });
    Object.assign((trail as unknown as { chain: object }).chain, {
      updateOne: (filter: never, update: never) => {
        headMoves.push(1);
        return updateOne(filter, update);
      },
    });
    // 2 is recorded already (a redelivery), 4 comes twice in the batch itself.
    const batch = [3, 2, 4, 5, 4, 6].map(message);
    const outcomes = await trail.appendBatch(batch);
    assert.deepEqual(
      outcomes.map((o) => o.duplicate),
      [false, true, false, false, true, false],
    );
    const seqs = outcomes.filter((o) => !o.duplicate).map((o) => o.entry!.seq);
    assert.deepEqual(
      seqs,
      seqs.map((_, k) => seqs[0]! + k),
      'consecutive places',
    );
    // One insert that stops at the recorded copy of 2, then one for the rest: never one per entry.
    assert.deepEqual(inserts, [5, 3]);
    assert.ok(headMoves.length <= 3, `head moves: ${headMoves.length}`);
    delete (trail.entries as { insertMany?: unknown }).insertMany;
    delete ((trail as unknown as { chain: object }).chain as { updateOne?: unknown }).updateOne;
    const recordedOnce = (await entries('&stream=INCIDENTS')).filter(
      (e) => e.natsSubject === 'lgsp.incidents.batch',
    );
    assert.deepEqual(
      recordedOnce.map((e) => e.streamSeq).sort(),
      [1, 2, 3, 4, 5, 6].map((i) => 200_000 + i),
    );
    const report = await verification();
    assert.equal(report.ok, true, JSON.stringify(report.firstBreak));
  });
});

describe('checkpoints and verification', () => {
  let checkpoint: Checkpoint;

  it('signs the head on demand, publishes it, and shows the public key to anyone', async () => {
    const answer = await sut.request('POST', '/audit/checkpoints', { token: dic });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    checkpoint = answer.body;
    const event = await findEvent(sut.js, 'AUDIT', (e) => e.subject === String(checkpoint.seq));
    assert.equal(event.type, 'vn.openlgsp.audit.checkpoint.signed.v1');
    assert.deepEqual(event.data, checkpoint);
    const key = await sut.request('GET', '/audit/checkpoints/public-key');
    assert.equal(key.status, 200);
    assert.equal(key.body.keyId, checkpoint.keyId);
    // The POST itself is an audited call: wait for its access entry, then the head stays put.
    await new Promise((r) => setTimeout(r, 500));
    const service = sut.app.get(CheckpointsService);
    let once = await service.signHead();
    let twice = await service.signHead();
    for (let i = 0; i < 10 && twice!.seq !== once!.seq; i++)
      [once, twice] = [twice, await service.signHead()];
    assert.deepEqual(twice, once, 'the same head is signed once');
    assert.ok(once!.seq > checkpoint.seq);
  });

  it('verifies the whole trail, a range, and with the command-line tool', async () => {
    const whole = await verification();
    assert.equal(whole.ok, true, JSON.stringify(whole.firstBreak));
    assert.equal(whole.checkpointsChecked, 2);
    const range = await verification('?fromSeq=2&toSeq=5');
    assert.deepEqual([range.ok, range.fromSeq, range.toSeq, range.entriesChecked], [true, 2, 5, 4]);
    const keyFile = join(dir, 'audit-public.pem');
    writeFileSync(keyFile, (await sut.request('GET', '/audit/checkpoints/public-key')).body.publicKeyPem);
    assert.equal(await verifyCli(['--mongo-url', sut.engines.mongoUrl, '--public-key', keyFile]), 0);
  });

  it('reports the first broken entry when an entry is edited, deleted, reordered, inserted, or the tail cut', async () => {
    const entriesCol = connection().db!.collection<TrailEntry & { _id: number }>('entries');
    const victim = checkpoint.seq - 3;
    const original = (await entriesCol.findOne({ _id: victim }))!;
    await entriesCol.updateOne({ _id: victim }, { $set: { actor: 'someone-else' } });
    let report = await verification();
    assert.deepEqual(
      [report.ok, report.firstBreak.seq, report.firstBreak.code],
      [false, victim, 'hash-mismatch'],
    );
    const keyFile = join(dir, 'audit-public.pem');
    assert.equal(await verifyCli(['--mongo-url', sut.engines.mongoUrl, '--public-key', keyFile]), 1);

    await entriesCol.deleteOne({ _id: victim });
    report = await verification();
    assert.deepEqual([report.firstBreak.seq, report.firstBreak.code], [victim, 'missing-entries']);
    await entriesCol.insertOne(original);
    assert.equal((await verification()).ok, true, 'restored');

    // Reorder: two neighbours exchange places (each renumbered to its new place).
    const pair = await entriesCol
      .find({ _id: { $in: [victim, victim + 1] } })
      .sort({ _id: 1 })
      .toArray();
    const [a, b] = [pair[0]!, pair[1]!];
    await entriesCol.deleteMany({ _id: { $in: [victim, victim + 1] } });
    await entriesCol.insertMany([
      { ...b, _id: victim, seq: victim },
      { ...a, _id: victim + 1, seq: victim + 1 },
    ]);
    report = await verification();
    assert.deepEqual([report.ok, report.firstBreak.seq], [false, victim]);
    await entriesCol.deleteMany({ _id: { $in: [victim, victim + 1] } });
    await entriesCol.insertMany([a, b]);
    assert.equal((await verification()).ok, true, 'restored');

    // Insert: an entry slipped in at `victim`, everything after it moved one place on.
    const after = await entriesCol
      .find({ _id: { $gte: victim } })
      .sort({ _id: 1 })
      .toArray();
    await entriesCol.deleteMany({ _id: { $gte: victim } });
    const forged = { ...after[0]!, key: `${after[0]!.key}/forged`, actor: 'intruder' };
    await entriesCol.insertMany([forged, ...after.map((e) => ({ ...e, _id: e._id + 1, seq: e.seq + 1 }))]);
    report = await verification();
    assert.deepEqual([report.ok, report.firstBreak.seq], [false, victim]);
    await entriesCol.deleteMany({ _id: { $gte: victim } });
    await entriesCol.insertMany(after);
    assert.equal((await verification()).ok, true, 'restored');

    // Cut the tail from the signed entry on: the checkpoint still says the trail reached it.
    const tail = await entriesCol.find({ _id: { $gte: checkpoint.seq } }).toArray();
    await entriesCol.deleteMany({ _id: { $gte: checkpoint.seq } });
    report = await verification();
    assert.deepEqual([report.firstBreak.seq, report.firstBreak.code], [checkpoint.seq, 'truncated']);
    await entriesCol.insertMany(tail);
    assert.equal((await verification()).ok, true, 'restored');
  });

  it('reports a forged checkpoint', async () => {
    const cps = connection().db!.collection('checkpoints');
    const id = String(checkpoint.seq).padStart(15, '0');
    await cps.updateOne({ _id: id as never }, { $set: { hash: 'f'.repeat(64) } });
    const report = await verification();
    assert.deepEqual([report.firstBreak.seq, report.firstBreak.code], [checkpoint.seq, 'forged-checkpoint']);
    await cps.updateOne({ _id: id as never }, { $set: { hash: checkpoint.hash } });
    assert.equal((await verification()).ok, true);
  });
  it('reports a field stored beside an entry outside its hashed content, and never serves it', async () => {
    const entriesCol = connection().db!.collection<TrailEntry & { _id: number }>('entries');
    const victim = checkpoint.seq - 2;
    await entriesCol.updateOne({ _id: victim }, { $set: { approvedBy: 'director', agencyNote: 'ok' } });
    try {
      const served = await sut.request('GET', `/audit/entries/${victim}`, { token: dic });
      assert.equal(served.status, 200);
      assert.equal('approvedBy' in served.body, false, 'the added field is not served as part of the entry');
      assert.equal('agencyNote' in served.body, false);
      const listed = (await entries()).find((e) => e.seq === victim)!;
      assert.equal('approvedBy' in listed, false);
      const report = await verification();
      assert.deepEqual(
        [report.ok, report.firstBreak.seq, report.firstBreak.code],
        [false, victim, 'unhashed-fields'],
      );
      assert.match(report.firstBreak.reason, /approvedBy/);
      const keyFile = join(dir, 'audit-public.pem');
      assert.equal(await verifyCli(['--mongo-url', sut.engines.mongoUrl, '--public-key', keyFile]), 1);
    } finally {
      await entriesCol.updateOne({ _id: victim }, { $unset: { approvedBy: '', agencyNote: '' } });
    }
    assert.equal((await verification()).ok, true, 'restored');
  });

  it('holds the store to checkpoints kept outside it: deleting the stored ones does not hide a rewritten history', async () => {
    const db = connection().db!;
    const entriesCol = db.collection<EntryDoc>('entries');
    const chainCol = db.collection<{ _id: string; seq: number; hash: string }>('chain');
    const cpsCol = db.collection<{ _id: string; seq: number }>('checkpoints');
    const keyFile = join(dir, 'audit-public.pem');
    // A verifier kept what GET /audit/checkpoints answered, and the published checkpoint events.
    const kept = join(dir, 'kept-checkpoints.json');
    writeFileSync(
      kept,
      JSON.stringify((await sut.request('GET', '/audit/checkpoints', { token: dic })).body),
    );
    const events = join(dir, 'kept-checkpoint-events.ndjson');
    const published = await findEvent(sut.js, 'AUDIT', (e) => e.subject === String(checkpoint.seq));
    writeFileSync(events, `${JSON.stringify(published)}\n`);
    // Quiet: no append may land while history is rewritten.
    let head = await connection()
      .db!.collection('chain')
      .findOne({ _id: 'head' as never });
    for (;;) {
      await new Promise((r) => setTimeout(r, 300));
      const now = await connection()
        .db!.collection('chain')
        .findOne({ _id: 'head' as never });
      if (now!.seq === head!.seq) break;
      head = now;
    }
    const victim = checkpoint.seq - 2;
    const original = await entriesCol
      .find({ _id: { $gte: victim } })
      .sort({ _id: 1 })
      .toArray();
    const originalHead = (await chainCol.findOne({ _id: 'head' }))!;
    const originalCps = await cpsCol.find({ seq: { $gte: victim } }).toArray();
    // The forger edits an entry, rebuilds every later link and the head, and deletes the checkpoints signed after it.
    const rewritten: EntryDoc[] = [];
    let tip = { seq: victim - 1, hash: original[0]!.prevHash };
    for (const doc of original) {
      const { _id, hash: _hash, seq, prevHash: _prevHash, recordedAt, ...content } = doc;
      const entry = linked(seq === victim ? { ...content, actor: 'someone-else' } : content, tip, recordedAt);
      rewritten.push({ _id: entry.seq, ...entry });
      tip = entry;
    }
    await entriesCol.deleteMany({ _id: { $gte: victim } });
    await entriesCol.insertMany(rewritten);
    await chainCol.updateOne({ _id: 'head' }, { $set: { hash: tip.hash } });
    await cpsCol.deleteMany({ seq: { $gte: victim } });
    try {
      assert.equal((await verification()).ok, true, 'the store alone no longer tells');
      const store = ['--mongo-url', sut.engines.mongoUrl, '--public-key', keyFile];
      assert.equal(await verifyCli([...store, '--checkpoints', kept]), 1);
      assert.equal(await verifyCli([...store, '--checkpoints', events]), 1);
      assert.equal(
        await verifyCli([...store, '--checkpoints', join(dir, 'audit-public.pem')]),
        2,
        'not checkpoints',
      );
    } finally {
      await entriesCol.deleteMany({ _id: { $gte: victim } });
      await entriesCol.insertMany(original);
      await chainCol.updateOne({ _id: 'head' }, { $set: { hash: originalHead.hash } });
      await cpsCol.insertMany(originalCps);
    }
    assert.equal((await verification()).ok, true, 'restored');
    assert.equal(
      await verifyCli(['--mongo-url', sut.engines.mongoUrl, '--public-key', keyFile, '--checkpoints', kept]),
      0,
    );
  });
});

describe('reading the trail', () => {
  it('shows an agency only the entries about itself, and refuses another agency’s', async () => {
    const stnmt = await sut.token('STNMT', ['provider']);
    const own = await sut.request('GET', '/audit/entries', { token: stnmt });
    assert.equal(own.status, 200);
    assert.ok(own.body.items.length > 0);
    assert.ok(own.body.items.every((e: TrailEntry) => e.agency === 'STNMT'));
    const other = await sut.request('GET', '/audit/entries?agency=SYT', { token: stnmt });
    assert.equal(other.status, 403);
    assert.equal(other.headers.get('content-type'), 'application/problem+json; charset=utf-8');
    const auditor = await sut.token('TTCP', ['auditor']);
    assert.equal((await sut.request('GET', '/audit/entries?agency=SYT', { token: auditor })).status, 200);
  });

  it('pages with a cursor, newest first', async () => {
    const first = await sut.request('GET', '/audit/entries?limit=3', { token: dic });
    assert.equal(first.body.items.length, 3);
    const second = await sut.request('GET', `/audit/entries?limit=3&cursor=${first.body.nextCursor}`, {
      token: dic,
    });
    assert.ok(second.body.items[0].seq < first.body.items[2].seq);
  });

  it('refuses external apps, anonymous callers and malformed queries with problem+json', async () => {
    const app = await sut.token('APP', ['public-app']);
    const cases: [string, string | undefined, number][] = [
      ['/audit/entries', app, 403],
      ['/audit/entries', undefined, 401],
      ['/audit/entries?traceId=xyz', dic, 400],
      ['/audit/entries?from=yesterday', dic, 400],
      ['/audit/entries?from=2025-02-01T00:00:00Z&to=2025-01-01T00:00:00Z', dic, 422],
      ['/audit/entries?cursor=forged', dic, 400],
      ['/audit/entries?limit=100000', dic, 400],
      ['/audit/entries?drop=1', dic, 400],
      ['/audit/verification?fromSeq=9&toSeq=2', dic, 422],
      ['/audit/verification?fromSeq=-1', dic, 400],
      ['/audit/verification', await sut.token('STNMT', ['provider']), 403],
      ['/audit/exports?from=2025-01-01T00:00:00Z', dic, 400],
      ['/audit/exports?from=2020-01-01T00:00:00Z&to=2025-01-01T00:00:00Z&format=csv', dic, 422],
      ['/audit/exports?from=2025-01-01T00:00:00Z&to=2025-02-01T00:00:00Z&format=xml', dic, 400],
      ['/audit/entries/abc', dic, 400],
    ];
    for (const [path, token, status] of cases) {
      const answer = await sut.request('GET', path, token ? { token } : {});
      assert.equal(answer.status, status, `${path}: ${JSON.stringify(answer.body)}`);
      assert.equal(answer.headers.get('content-type'), 'application/problem+json; charset=utf-8', path);
    }
    const provider = await sut.token('STNMT', ['provider']);
    assert.equal((await sut.request('POST', '/audit/checkpoints', { token: provider })).status, 403);
    assert.equal(
      (await sut.request('POST', '/audit/archives', { token: await sut.token('TTCP', ['auditor']) })).status,
      403,
    );
  });

  it('exports a period as CSV and NDJSON', async () => {
    const period = 'from=2024-12-31T00:00:00Z&to=2025-01-02T00:00:00Z';
    const csv = await fetch(`${sut.url}/audit/exports?${period}&format=csv`, {
      headers: { authorization: `Bearer ${dic}` },
    });
    assert.equal(csv.status, 200);
    assert.equal(csv.headers.get('content-type'), 'text/csv; charset=utf-8');
    const rows = (await csv.text()).trimEnd().split('\r\n');
    assert.match(rows[0]!, /^seq,recordedAt,stream/);
    const ndjson = await fetch(`${sut.url}/audit/exports?${period}`, {
      headers: { authorization: `Bearer ${dic}` },
    });
    assert.equal(ndjson.headers.get('content-type'), 'application/x-ndjson; charset=utf-8');
    const lines = (await ndjson.text())
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as TrailEntry);
    // An access entry of an earlier call may land between the two exports: the later one holds the earlier's.
    const csvSeqs = rows.slice(1).map((r) => Number(r.split(',')[0]));
    const ndjsonSeqs = new Set(lines.map((e) => e.seq));
    assert.ok(csvSeqs.length > 0 && csvSeqs.every((seq) => ndjsonSeqs.has(seq)));
    assert.ok(lines.every((e, i) => i === 0 || e.seq > lines[i - 1]!.seq));
  });
});

describe('retention', () => {
  it('archives entries older than the retention to a file that verifies on its own; the store verifies across the cut', async () => {
    const headBefore = (await verification()).head.seq;
    clock.advance(40 * 86_400_000);
    const young = catalogueEvent('SNV');
    await publish('lgsp.catalogue.agency.updated', young);
    await recorded('&agency=SNV', 1);
    const answer = await sut.request('POST', '/audit/archives', { token: dic });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.body.manifest.fromSeq, 1);
    assert.ok(answer.body.manifest.toSeq >= headBefore);
    const text = readFileSync(join(dir, 'archive', answer.body.manifest.file), 'utf8');
    const archive = parseArchive(text);
    const key = createPublicKey(archive.header.publicKeyPem);
    assert.equal(verifyArchive(archive, trustedKeys(key)).ok, true);
    assert.equal(await verifyCli(['--archive', join(dir, 'archive', answer.body.manifest.file)]), 0);
    const report = await verification();
    assert.equal(report.ok, true, JSON.stringify(report.firstBreak));
    assert.equal(report.storeStartsAt, answer.body.manifest.toSeq + 1);
    const kept = await entries();
    assert.ok(
      kept.length > 0 && kept.every((e) => e.seq > answer.body.manifest.toSeq),
      'archived entries left the store',
    );
    const again = await sut.request('POST', '/audit/archives', { token: dic });
    assert.equal(again.body.archived, 0, 'nothing young is archived');
    const archived = await sut.request('GET', '/audit/verification?fromSeq=1', { token: dic });
    assert.equal(archived.status, 422);
  });
});

describe('the OpenAPI document', () => {
  it('is served at /audit/openapi.json and matches contracts/openapi/audit.json', async () => {
    const { served, published } = await publishedOpenApi(sut, 'audit');
    assert.equal(
      published,
      served,
      'contracts/openapi/audit.json is stale: run UPDATE_CONTRACTS=1 npm test and commit it',
    );
  });
});
