import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { signCheckpoint, trustedKeys, type Checkpoint } from '../checkpoints/checkpoint.rules.js';
import { canonicalJson } from '../trail/canonical.js';
import { GENESIS_HASH, type ReceivedMessage, type TrailEntry } from '../trail/entry.model.js';
import { entryHash, nextEntry } from '../trail/trail.rules.js';
import { ChainVerifier, type ChainExpectations } from './chain.rules.js';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const keys = trustedKeys(publicKey);

function message(i: number): ReceivedMessage {
  return {
    stream: 'CATALOGUE',
    streamSeq: i,
    subject: 'lgsp.catalogue.entry.listed',
    headers: [
      { name: 'ce-id', value: `0197a1b2-8000-7000-8000-${String(i).padStart(12, '0')}` },
      { name: 'ce-specversion', value: '1.0' },
      { name: 'ce-type', value: 'vn.openlgsp.catalogue.entry.listed.v1' },
      { name: 'ce-source', value: '/openlgsp/catalogue' },
      { name: 'ce-agency', value: 'STNMT' },
      { name: 'ce-traceparent', value: `00-${'a'.repeat(31)}${i % 10}-${'b'.repeat(16)}-01` },
      { name: 'content-type', value: 'application/json' },
    ],
    data: new TextEncoder().encode(JSON.stringify({ n: i })),
  };
}

function chain(n: number): TrailEntry[] {
  const entries: TrailEntry[] = [];
  let head = { seq: 0, hash: GENESIS_HASH };
  for (let i = 1; i <= n; i++) {
    const e = nextEntry(message(i), head, new Date(Date.UTC(2025, 0, 1, 0, 0, i)));
    entries.push(e);
    head = { seq: e.seq, hash: e.hash };
  }
  return entries;
}

function verify(
  entries: TrailEntry[],
  checkpoints: Checkpoint[] = [],
  more: Partial<ChainExpectations> = {},
) {
  const v = new ChainVerifier({
    firstSeq: 1,
    firstPrevHash: GENESIS_HASH,
    checkpoints,
    trustedKeys: keys,
    ...more,
  });
  for (const e of entries) if (!v.push(e)) break;
  return v.finish();
}

const rehash = (e: Omit<TrailEntry, 'hash'>): TrailEntry => ({ ...e, hash: entryHash(e) });

describe('canonical form', () => {
  it('sorts keys, drops undefined members and writes no whitespace', () => {
    assert.equal(
      canonicalJson({ b: 1, a: [true, 'x', null], c: undefined, é: { z: 'ü', y: 2 } }),
      '{"a":[true,"x",null],"b":1,"é":{"y":2,"z":"ü"}}',
    );
  });
  it('refuses what has no single spelling (fractions)', () => {
    assert.throws(() => canonicalJson({ a: 1.5 }), /integers only/);
  });
  it('gives an entry a hash over every recorded field', () => {
    const [e] = chain(1);
    assert.match(e!.hash, /^[0-9a-f]{64}$/);
    assert.equal(e!.prevHash, GENESIS_HASH);
    assert.equal(entryHash(e!), e!.hash);
    assert.notEqual(entryHash({ ...e!, agency: 'SYT' }), e!.hash);
  });
});

describe('chain verification', () => {
  it('accepts an untouched chain with its checkpoints', () => {
    const entries = chain(10);
    const cps = [
      signCheckpoint(entries[4]!, new Date(), privateKey),
      signCheckpoint(entries[9]!, new Date(), privateKey),
    ];
    const report = verify(entries, cps, { lastSeq: 10 });
    assert.deepEqual(report, { ok: true, fromSeq: 1, toSeq: 10, entriesChecked: 10, checkpointsChecked: 2 });
  });

  it('detects an edited entry', () => {
    const entries = chain(10);
    entries[3] = { ...entries[3]!, agency: 'SYT' };
    assert.deepEqual(
      [verify(entries).firstBreak?.seq, verify(entries).firstBreak?.code],
      [4, 'hash-mismatch'],
    );
  });

  it('reports a field stored beside an entry outside its hashed content (DOMAIN §4: nothing added after recording)', () => {
    const entries = chain(10);
    entries[5] = { ...entries[5]!, approvedBy: 'director' } as TrailEntry;
    const report = verify(entries);
    assert.deepEqual([report.firstBreak?.seq, report.firstBreak?.code], [6, 'unhashed-fields']);
    assert.match(report.firstBreak!.reason, /approvedBy/);
  });

  it('detects an edited entry whose hash was recomputed (the next link breaks)', () => {
    const entries = chain(10);
    entries[3] = rehash({ ...entries[3]!, actor: 'someone-else' });
    const report = verify(entries);
    assert.equal(report.firstBreak?.code, 'broken-link');
    assert.equal(report.firstBreak?.seq, 5);
  });

  it('detects a deleted entry', () => {
    const entries = chain(10);
    entries.splice(6, 1);
    const report = verify(entries);
    assert.equal(report.firstBreak?.code, 'missing-entries');
    assert.equal(report.firstBreak?.seq, 7);
  });

  it('detects an inserted entry, even renumbered and rehashed, against a later checkpoint', () => {
    const original = chain(10);
    const cp = signCheckpoint(original[9]!, new Date(), privateKey);
    // The forger inserts after entry 5 and rebuilds every later link so the chain itself is consistent.
    const forged: TrailEntry[] = original.slice(0, 5);
    let head = { seq: 5, hash: original[4]!.hash };
    for (const m of [message(99), ...original.slice(5).map((e) => message(e.streamSeq))]) {
      const e = nextEntry(m, head, new Date(Date.UTC(2025, 0, 1)));
      forged.push(e);
      head = { seq: e.seq, hash: e.hash };
    }
    const report = verify(forged, [cp]);
    assert.equal(report.ok, false);
    assert.equal(report.firstBreak?.code, 'checkpoint-mismatch');
    assert.equal(report.firstBreak?.seq, 10);
  });

  it('detects an entry inserted without rebuilding the chain', () => {
    const entries = chain(10);
    const intruder = rehash({ ...entries[4]!, seq: 6, prevHash: entries[4]!.hash, actor: 'ghost' });
    const shifted = entries.slice(5).map((e) => ({ ...e, seq: e.seq + 1 }));
    const report = verify([...entries.slice(0, 5), intruder, ...shifted]);
    assert.equal(report.firstBreak?.seq, 7);
    assert.equal(report.firstBreak?.code, 'hash-mismatch');
  });

  it('detects two entries swapped', () => {
    const entries = chain(10);
    [entries[2], entries[3]] = [entries[3]!, entries[2]!];
    const report = verify(entries);
    // Entry 4 where 3 belongs: from the stored order alone, 3 is missing at that point.
    assert.equal(report.firstBreak?.code, 'missing-entries');
    assert.equal(report.firstBreak?.seq, 3);
  });

  it('detects two entries swapped with their numbers kept', () => {
    const entries = chain(10);
    const a = entries[2]!;
    const b = entries[3]!;
    entries[2] = { ...b, seq: 3 };
    entries[3] = { ...a, seq: 4 };
    assert.equal(verify(entries).firstBreak?.seq, 3);
  });

  it('detects a forged checkpoint: a bad signature, a changed hash, an unknown key', () => {
    const entries = chain(10);
    const good = signCheckpoint(entries[7]!, new Date(), privateKey);
    const other = generateKeyPairSync('ed25519').privateKey;
    for (const forged of [
      { ...good, signature: Buffer.alloc(64, 1).toString('base64') },
      { ...good, hash: entries[6]!.hash },
      signCheckpoint(entries[7]!, new Date(), other),
    ]) {
      const report = verify(entries, [forged]);
      assert.equal(report.firstBreak?.code, 'forged-checkpoint');
      assert.equal(report.firstBreak?.seq, 8);
    }
  });

  it('detects a truncated tail: a checkpoint signed beyond the last entry', () => {
    const entries = chain(10);
    const cp = signCheckpoint(entries[8]!, new Date(), privateKey);
    const report = verify(entries.slice(0, 7), [cp]);
    assert.equal(report.firstBreak?.code, 'truncated');
    assert.equal(report.firstBreak?.seq, 8);
  });

  it('detects a truncated tail against the recorded head', () => {
    const report = verify(chain(10).slice(0, 8), [], { lastSeq: 10 });
    assert.equal(report.firstBreak?.code, 'truncated');
    assert.equal(report.firstBreak?.seq, 9);
  });

  it('checks a range on its own, ignoring checkpoints beyond it', () => {
    const entries = chain(10);
    const cp = signCheckpoint(entries[9]!, new Date(), privateKey);
    const v = new ChainVerifier({
      firstSeq: 3,
      firstPrevHash: entries[1]!.hash,
      lastSeq: 6,
      checkpoints: [cp],
      trustedKeys: keys,
      range: { fromSeq: 3, toSeq: 6 },
    });
    for (const e of entries.slice(2, 6)) v.push(e);
    assert.deepEqual(v.finish(), {
      ok: true,
      fromSeq: 3,
      toSeq: 6,
      entriesChecked: 4,
      checkpointsChecked: 0,
    });
  });
});
