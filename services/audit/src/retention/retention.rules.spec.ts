import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { auditConfigFromEnv } from '../config.js';
import { signCheckpoint, trustedKeys } from '../checkpoints/checkpoint.rules.js';
import { GENESIS_HASH, type TrailEntry } from '../trail/entry.model.js';
import { nextEntry } from '../trail/trail.rules.js';
import { archiveLines, parseArchive, verifyArchive } from './archive.format.js';
import { archivableRun, retentionCutoff } from './retention.rules.js';
import { csvField, csvRow } from '../exports/csv.js';

const day = (d: number) => new Date(Date.UTC(2025, 0, d)).toISOString();

describe('retention', () => {
  it('keeps entries at least 30 days, whatever is configured', () => {
    const now = new Date(Date.UTC(2025, 5, 1));
    assert.equal(retentionCutoff(now, 365).toISOString(), '2024-06-01T00:00:00.000Z');
    assert.equal(retentionCutoff(now, 10).toISOString(), '2025-05-02T00:00:00.000Z');
  });

  it('refuses a retention below 30 days at start, saying why', () => {
    assert.throws(() => auditConfigFromEnv({ AUDIT_RETENTION_DAYS: '29' }), /at least 30 days/);
    assert.throws(() => auditConfigFromEnv({ AUDIT_RETENTION_DAYS: 'soon' }), /whole number/);
    assert.equal(auditConfigFromEnv({ AUDIT_RETENTION_DAYS: '30' }).retentionDays, 30);
    assert.equal(auditConfigFromEnv({}).retentionDays, 365);
  });

  it('cuts the unbroken run of old entries from the start of the store', () => {
    const entries = [
      { seq: 5, recordedAt: day(1) },
      { seq: 6, recordedAt: day(2) },
      { seq: 7, recordedAt: day(20) },
      { seq: 8, recordedAt: day(3) }, // older than its predecessor (another instance's clock): waits
    ];
    assert.deepEqual(archivableRun(entries, 5, new Date(day(10)), 100), { fromSeq: 5, toSeq: 6 });
    assert.deepEqual(archivableRun(entries, 5, new Date(day(10)), 1), { fromSeq: 5, toSeq: 5 });
    assert.equal(archivableRun(entries, 5, new Date(day(1)), 100), undefined);
    assert.equal(
      archivableRun(entries.slice(1), 5, new Date(day(10)), 100),
      undefined,
      'entry 5 must be first',
    );
  });
});

describe('an archive file', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const entries: TrailEntry[] = [];
  let head = { seq: 0, hash: GENESIS_HASH };
  for (let i = 1; i <= 5; i++) {
    const e = nextEntry(
      { stream: 'DLQ', streamSeq: i, subject: 'lgsp.dlq.catalogue', headers: [], data: new Uint8Array([i]) },
      head,
      new Date(day(i)),
    );
    entries.push(e);
    head = e;
  }
  const header = {
    kind: 'archive' as const,
    format: 1 as const,
    fromSeq: 1,
    toSeq: 5,
    prevHash: GENESIS_HASH,
    lastHash: head.hash,
    entries: 5,
    createdAt: day(40),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) as string,
  };
  const text = (cps = [signCheckpoint(head, new Date(), privateKey)], list = entries) =>
    [...archiveLines(header, list, cps)].join('');

  it('verifies on its own with its checkpoints', () => {
    assert.equal(verifyArchive(parseArchive(text()), trustedKeys(publicKey)).ok, true);
  });

  it('is broken when an entry was removed from it, or no checkpoint signs its end', () => {
    const gap = verifyArchive(
      parseArchive(text(undefined, [...entries.slice(0, 2), ...entries.slice(3)])),
      trustedKeys(publicKey),
    );
    assert.equal(gap.firstBreak?.code, 'missing-entries');
    const unsigned = verifyArchive(parseArchive(text([])), trustedKeys(publicKey));
    assert.equal(unsigned.firstBreak?.code, 'truncated');
  });
});

describe('CSV export', () => {
  it('quotes separators and defuses formulas', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"\n'), '"say ""hi""\n"');
    assert.equal(csvField('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
    assert.equal(csvField(undefined), '');
    assert.equal(csvField(false), 'false');
  });
  it('writes one CRLF-terminated row per entry', () => {
    const e = nextEntry(
      {
        stream: 'INTAKE',
        streamSeq: 1,
        subject: 'lgsp.intake.X',
        headers: [{ name: 'ce-subject', value: '-1,2' }],
        data: new Uint8Array(),
      },
      { seq: 0, hash: GENESIS_HASH },
      new Date(0),
    );
    const row = csvRow(e);
    assert.ok(row.endsWith('\r\n'));
    assert.ok(row.includes(`"'-1,2"`));
  });
});
