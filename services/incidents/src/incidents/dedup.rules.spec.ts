import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { alert, config, ID, now, siem, windowMs } from './fixtures.js';
import {
  claimKeys,
  decideJoin,
  fingerprintOf,
  lookupKeys,
  mayReplaceKey,
  type DedupKey,
} from './dedup.rules.js';
import type { IncidentState } from './incident.model.js';
import { report } from './incident.rules.js';

const at = (ms: number) => new Date(now.getTime() + ms);
const incident = (): IncidentState => {
  const r = report(ID, alert(), siem, now, config);
  assert.ok(r.ok);
  return r.value.next;
};
const keyed = (i: IncidentState) => ({
  agency: i.agency,
  fingerprint: i.fingerprint,
  source: i.source,
  sourceRef: i.sourceRef,
});

/** A store of key documents by `_id`, as the dedup collection is. */
function store(claims: DedupKey[]) {
  return new Map(claims.map((k) => [k._id, k]));
}

describe('the fingerprint', () => {
  const base = { agency: 'so-nnmt', category: 'availability/ddos' as const };

  it('ignores order, duplicates and markings', () => {
    const a = fingerprintOf({
      ...base,
      observables: [
        { type: 'ip', value: '203.0.113.7' },
        { type: 'domain', value: 'bad.example.net' },
      ],
    });
    const b = fingerprintOf({
      ...base,
      observables: [
        { type: 'domain', value: 'bad.example.net' },
        { type: 'ip', value: '203.0.113.7' },
        { type: 'ip', value: '203.0.113.7' },
      ],
    });
    assert.equal(a, b);
  });

  it('tells agencies, categories and observables apart', () => {
    const a = fingerprintOf({ ...base, observables: [{ type: 'ip', value: '203.0.113.7' }] });
    assert.notEqual(
      a,
      fingerprintOf({ ...base, agency: 'so-xd', observables: [{ type: 'ip', value: '203.0.113.7' }] }),
    );
    assert.notEqual(
      a,
      fingerprintOf({
        ...base,
        category: 'availability/dos',
        observables: [{ type: 'ip', value: '203.0.113.7' }],
      }),
    );
    assert.notEqual(a, fingerprintOf({ ...base, observables: [{ type: 'ip', value: '203.0.113.8' }] }));
  });

  it('is the same for the same indicators written differently, once canonical', () => {
    const first = incident();
    const r = report(
      ID,
      alert({
        observables: [...alert().observables].reverse().map((o) => ({ ...o, value: o.value.toUpperCase() })),
      }),
      siem,
      now,
      config,
    );
    assert.ok(r.ok);
    assert.equal(r.value.next.fingerprint, first.fingerprint);
  });
});

describe('joining by source reference', () => {
  it('joins an open incident with the same source and reference, whenever it comes', () => {
    const i = incident();
    const keys = store(claimKeys(keyed(i), i._id, now, windowMs));
    const later = at(30 * 86_400_000);
    const look = lookupKeys(keyed(i), later, windowMs);
    const decision = decideJoin(
      keyed(i),
      { source: { key: keys.get(look.source!)!, incident: i } },
      later,
      windowMs,
    );
    assert.deepEqual(decision, { action: 'join', incidentId: ID, matchedBy: 'source' });
  });

  it('opens a new incident when that one is over, and may then take the key over', () => {
    const i = { ...incident(), status: 'resolved' as const };
    const [key] = claimKeys(keyed(i), i._id, now, windowMs);
    assert.deepEqual(decideJoin(keyed(i), { source: { key: key!, incident: i } }, at(1000), windowMs), {
      action: 'open',
    });
    assert.equal(mayReplaceKey(key!, i, at(1000), windowMs), true);
    assert.equal(mayReplaceKey(key!, incident(), at(1000), windowMs), false);
  });
});

describe('joining by fingerprint within the window', () => {
  it('always meets two reports less than a window apart, wherever the bucket edges fall', () => {
    const i = incident();
    const report = keyed({ ...i, source: undefined, sourceRef: undefined });
    // First reports spread over a window, second reports from 0 to just under a window later.
    for (let offset = 0; offset < windowMs; offset += windowMs / 16 + 7) {
      const first = at(offset);
      const keys = store(claimKeys(report, i._id, first, windowMs));
      for (const gap of [0, 1, windowMs / 2, windowMs - 1]) {
        const second = new Date(first.getTime() + gap);
        const key = keys.get(lookupKeys(report, second, windowMs).fingerprint);
        assert.ok(key, `a report ${gap} ms after one at offset ${offset} found no key`);
        const decision = decideJoin(
          report,
          { fingerprint: { key, incident: { ...i, lastReportedAt: first } } },
          second,
          windowMs,
        );
        assert.deepEqual(decision, { action: 'join', incidentId: ID, matchedBy: 'fingerprint' });
      }
    }
  });

  it('opens a new incident a window or more later, even when the key is still found', () => {
    const i = incident();
    const report = keyed(i);
    const first = new Date(Math.floor(now.getTime() / windowMs) * windowMs); // the start of a bucket
    const keys = store(claimKeys(report, i._id, first, windowMs));
    const second = new Date(first.getTime() + windowMs + 5); // next bucket: its key is there
    const key = keys.get(lookupKeys(report, second, windowMs).fingerprint)!;
    assert.ok(key);
    assert.deepEqual(decideJoin(report, { fingerprint: { key, incident: i } }, second, windowMs), {
      action: 'open',
    });
    assert.equal(mayReplaceKey(key, i, second, windowMs), true);
  });

  it('never joins another agency’s incident', () => {
    const i = incident();
    const [, key] = claimKeys(keyed(i), i._id, now, windowMs);
    const theirs = { ...keyed(i), agency: 'so-xd' };
    assert.deepEqual(decideJoin(theirs, { fingerprint: { key: key!, incident: i } }, at(10), windowMs), {
      action: 'open',
    });
  });

  it('lets simultaneous first reports across a bucket edge claim a common key, so one of them loses', () => {
    const i = incident();
    const edge = Math.ceil(now.getTime() / windowMs) * windowMs;
    const a = claimKeys(keyed(i), 'incident-a', new Date(edge - 1), windowMs).map((k) => k._id);
    const b = claimKeys(keyed(i), 'incident-b', new Date(edge), windowMs).map((k) => k._id);
    assert.ok(a.filter((id) => id.startsWith('fp:')).some((id) => b.includes(id)));
  });
});
