import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { discardReason, factsOf, replayTarget, type DeadLetter } from './dead-letter.rules.js';

const letter = (headers: Record<string, string>): DeadLetter => ({
  seq: 7,
  subject: 'lgsp.dlq.sharing',
  time: '2026-01-05T03:00:00.000Z',
  headers,
  data: new Uint8Array(),
});

const failedOnCatalogue = {
  'ce-id': '0197a1b2-8000-7000-8000-000000000001',
  'ce-type': 'vn.openlgsp.catalogue.entry.listed.v1',
  'ce-traceparent': '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  'Lgsp-Dlq-Reason': 'store unavailable',
  'Lgsp-Dlq-Subject': 'lgsp.catalogue.entry.listed',
  'Lgsp-Dlq-Stream': 'CATALOGUE',
  'Lgsp-Dlq-Deliveries': '5',
};

describe('dead letters (ARCHITECTURE.md, delivery guarantees)', () => {
  it('says which service gave up, why, after how many deliveries, and in which trace', () => {
    assert.deepEqual(factsOf(letter(failedOnCatalogue)), {
      service: 'sharing',
      reason: 'store unavailable',
      originalSubject: 'lgsp.catalogue.entry.listed',
      originalStream: 'CATALOGUE',
      deliveries: 5,
      eventId: '0197a1b2-8000-7000-8000-000000000001',
      eventType: 'vn.openlgsp.catalogue.entry.listed.v1',
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    });
  });

  it('replays to the subject and stream the event failed on', () => {
    const target = replayTarget(factsOf(letter(failedOnCatalogue)));
    assert.deepEqual(target, {
      ok: true,
      value: { subject: 'lgsp.catalogue.entry.listed', stream: 'CATALOGUE' },
    });
  });

  it('refuses to replay an event that broke its contract at publish', () => {
    const target = replayTarget(
      factsOf(letter({ ...failedOnCatalogue, 'Lgsp-Dlq-Stream': 'outbox:entries' })),
    );
    assert.equal(target.ok, false);
    assert.match(!target.ok ? target.violation.message : '', /contract/);
  });

  it('refuses to replay without an original subject, or into the dead letters themselves', () => {
    const { ['Lgsp-Dlq-Subject']: _, ...noSubject } = failedOnCatalogue;
    assert.equal(replayTarget(factsOf(letter(noSubject))).ok, false);
    assert.equal(
      replayTarget(factsOf(letter({ ...failedOnCatalogue, 'Lgsp-Dlq-Subject': 'lgsp.dlq.sharing' }))).ok,
      false,
    );
    assert.equal(
      replayTarget(factsOf(letter({ ...failedOnCatalogue, 'Lgsp-Dlq-Subject': 'lgsp.catalogue.>' }))).ok,
      false,
    );
  });

  it('a discard states its reason (002 Điều 4.4), bounded', () => {
    assert.deepEqual(discardReason('  a drill message  '), { ok: true, value: 'a drill message' });
    const blank = discardReason('   ');
    assert.equal(!blank.ok && blank.violation.code, 'reason-required');
    const long = discardReason('x'.repeat(1001));
    assert.equal(!long.ok && long.violation.code, 'reason-too-long');
  });
});
