import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GENESIS_HASH, type MessageHeader, type ReceivedMessage } from './entry.model.js';
import {
  accessProblems,
  entryHash,
  entryKey,
  entryOf,
  factsOf,
  nextEntry,
  unhashedFields,
} from './trail.rules.js';

const EVENT_ID = '0197a1b2-8000-7000-8000-000000000001';
const TRACE_ID = `${'a'.repeat(31)}3`;
const at = new Date('2026-03-02T03:00:00.123Z');

function headers(over: Record<string, string> = {}): MessageHeader[] {
  const attributes: Record<string, string> = {
    'ce-id': EVENT_ID,
    'ce-specversion': '1.0',
    'ce-type': 'vn.openlgsp.catalogue.entry.listed.v1',
    'ce-source': '/openlgsp/catalogue',
    'ce-subject': 'e1',
    'ce-agency': 'STNMT',
    'ce-actor': 'lan',
    'ce-time': '2026-03-02T02:59:59Z',
    'ce-traceparent': `00-${TRACE_ID}-${'b'.repeat(16)}-01`,
    'content-type': 'application/json',
    ...over,
  };
  return Object.entries(attributes).map(([name, value]) => ({ name, value }));
}

function message(over: Partial<ReceivedMessage> = {}): ReceivedMessage {
  return {
    stream: 'CATALOGUE',
    streamSeq: 7,
    subject: 'lgsp.catalogue.entry.listed',
    headers: headers(),
    data: new TextEncoder().encode('{"entryId":"e1"}'),
    ...over,
  };
}

describe('what an entry says about its message', () => {
  it('reads who, what, when and the trace of a CloudEvent', () => {
    assert.deepEqual(factsOf(message()), {
      wellFormed: true,
      eventId: EVENT_ID,
      source: '/openlgsp/catalogue',
      type: 'vn.openlgsp.catalogue.entry.listed.v1',
      subject: 'e1',
      agency: 'STNMT',
      actor: 'lan',
      eventTime: '2026-03-02T02:59:59Z',
      traceId: TRACE_ID,
    });
  });

  it('reads header names in any case, the first of a repeated header winning', () => {
    const facts = factsOf(
      message({ headers: [...headers({ 'ce-agency': 'STNMT' }), { name: 'CE-AGENCY', value: 'SYT' }] }),
    );
    assert.equal(facts.agency, 'STNMT');
  });

  it('keeps a malformed message as evidence, saying why it is malformed', () => {
    const facts = factsOf({
      headers: [{ name: 'x-thing', value: '1' }],
      data: new TextEncoder().encode('not json'),
    });
    assert.equal(facts.wellFormed, false);
    assert.ok(facts.problems!.some((p) => p.startsWith('missing-attribute')));
    assert.ok(facts.problems!.some((p) => p.startsWith('malformed-data')));
    assert.equal('eventId' in facts, false, 'what the message does not say is left out, not undefined');
  });

  it('bounds what it copies from the message', () => {
    const facts = factsOf(message({ headers: headers({ 'ce-subject': 'x'.repeat(2_000) }) }));
    assert.equal(facts.subject?.length, 512);
  });

  it('takes no trace id from a malformed traceparent', () => {
    assert.equal(factsOf(message({ headers: headers({ 'ce-traceparent': 'garbage' }) })).traceId, undefined);
  });
});

describe('the identity an entry is recorded once under', () => {
  it('is stream, source and id for a CloudEvent, so a redelivery is the same entry', () => {
    const first = message();
    const redelivered = message({ streamSeq: 8 });
    assert.equal(entryKey(first, factsOf(first)), `CATALOGUE /openlgsp/catalogue ${EVENT_ID}`);
    assert.equal(entryKey(redelivered, factsOf(redelivered)), entryKey(first, factsOf(first)));
  });

  it("adds the agency of an intake message's subject, whatever its ce-agency header says", () => {
    const intake = (agency: string) =>
      message({
        stream: 'INTAKE',
        subject: `lgsp.intake.${agency}.catalogue.data-error.reported`,
        headers: headers({ 'ce-agency': 'STNMT', 'ce-source': '/agencies/STNMT/system' }),
      });
    assert.equal(factsOf(intake('SYT')).agency, 'SYT', 'the channel names the agency');
    assert.equal(
      entryKey(intake('SYT'), factsOf(intake('SYT'))),
      `INTAKE SYT /agencies/STNMT/system ${EVENT_ID}`,
    );
    assert.notEqual(
      entryKey(intake('SYT'), factsOf(intake('SYT'))),
      entryKey(intake('STNMT'), factsOf(intake('STNMT'))),
      "one agency's forgery does not take the place of another's event",
    );
  });

  it('is the stream position for a dead letter and for a malformed message', () => {
    const dead = message({ stream: 'DLQ', streamSeq: 3 });
    assert.equal(entryKey(dead, factsOf(dead)), 'DLQ #3');
    const malformed = message({ headers: [], streamSeq: 9 });
    assert.equal(entryKey(malformed, factsOf(malformed)), 'CATALOGUE #9');
  });
});

describe('the next link of the chain', () => {
  it('follows the head: the next number, the head’s hash as its previous hash', () => {
    const first = nextEntry(message(), { seq: 0, hash: GENESIS_HASH }, at);
    assert.equal(first.seq, 1);
    assert.equal(first.prevHash, GENESIS_HASH);
    const second = nextEntry(message({ streamSeq: 8 }), { seq: first.seq, hash: first.hash }, at);
    assert.equal(second.seq, 2);
    assert.equal(second.prevHash, first.hash);
  });

  it('keeps the message exactly as received: headers in order, body as base64', () => {
    const received = message();
    const entry = nextEntry(received, { seq: 0, hash: GENESIS_HASH }, at);
    assert.deepEqual(entry.headers, received.headers);
    assert.equal(Buffer.from(entry.data, 'base64').toString('utf8'), '{"entryId":"e1"}');
    assert.equal(entry.recordedAt, '2026-03-02T03:00:00.123Z');
    assert.equal(entry.natsSubject, 'lgsp.catalogue.entry.listed');
  });

  it('hashes every recorded field, so changing any of them changes the hash', () => {
    const entry = nextEntry(message(), { seq: 0, hash: GENESIS_HASH }, at);
    assert.match(entry.hash, /^[0-9a-f]{64}$/);
    assert.equal(entryHash(entry), entry.hash);
    for (const changed of [{ agency: 'SYT' }, { streamSeq: 99 }, { data: 'e30=' }, { recordedAt: 'x' }])
      assert.notEqual(entryHash({ ...entry, ...changed }), entry.hash, JSON.stringify(changed));
    const stored = { ...entry, _id: 1, extra: 'ignored' } as typeof entry;
    assert.equal(entryHash(stored), entry.hash, 'a stored document’s other fields do not count');
  });
});

// 002 Điều 4.4: the logs of each system are its own; one service cannot log in another's name.
describe('who reported an access event', () => {
  const ACCESS = 'vn.openlgsp.audit.access.recorded.v1';
  const data = (service: string) => new TextEncoder().encode(JSON.stringify({ service, method: 'POST' }));

  it('is the service of the subject it came on', () => {
    assert.deepEqual(accessProblems(ACCESS, 'lgsp.audit.access.sharing', data('sharing')), []);
  });

  it('makes one naming another service a forgery, kept but not well formed', () => {
    assert.match(
      accessProblems(ACCESS, 'lgsp.audit.access.sharing', data('catalogue'))[0] ?? '',
      /forged-service: the data names service 'catalogue' but sharing reported it/,
    );
    const facts = factsOf(
      message({
        stream: 'AUDIT',
        subject: 'lgsp.audit.access.sharing',
        headers: headers({
          'ce-type': ACCESS,
          'ce-dataschema': 'https://contracts.openlgsp.vn/events/audit/access.recorded.v1.json',
        }),
        data: data('catalogue'),
      }),
    );
    assert.equal(facts.wellFormed, false);
    assert.ok(facts.problems?.some((p) => p.startsWith('forged-service')));
  });

  it('leaves other events alone', () => {
    assert.deepEqual(
      accessProblems('vn.openlgsp.catalogue.entry.listed.v1', 'lgsp.audit.access.x', data('y')),
      [],
    );
  });
});

describe('what an entry is, as served', () => {
  it('is its hashed content and its hash: a field stored beside them is neither served nor taken for part of it', () => {
    const entry = nextEntry(message(), { seq: 0, hash: GENESIS_HASH }, at);
    const stored = { _id: 1, ...entry, approvedBy: 'director', constructor: 'x' };
    assert.deepEqual(entryOf(stored), entry);
    assert.deepEqual(unhashedFields(stored, '_id'), ['approvedBy', 'constructor']);
    assert.deepEqual(unhashedFields(entry), []);
  });
});
