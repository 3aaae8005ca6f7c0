import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signCheckpoint, trustedKeys } from '../checkpoints/checkpoint.rules.js';
import { GENESIS_HASH, type TrailEntry } from '../trail/entry.model.js';
import { nextEntry } from '../trail/trail.rules.js';
import {
  archiveLines,
  parseArchive,
  verifyArchive,
  verifyArchiveFile,
  type ArchiveHeader,
} from './archive.format.js';

const dir = mkdtempSync(join(tmpdir(), 'lgsp-archive-spec-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const keys = trustedKeys(publicKey);

/** An archive of `n` entries of about 1.5 KB: past 1 MB, so lines straddle the reader's chunks. */
function archive(n: number, edit?: (lines: string[]) => void): string {
  const entries: TrailEntry[] = [];
  let head = { seq: 0, hash: GENESIS_HASH };
  for (let i = 1; i <= n; i++) {
    const e = nextEntry(
      {
        stream: 'CATALOGUE',
        streamSeq: i,
        subject: 'lgsp.catalogue.entry.listed',
        headers: [{ name: 'ce-id', value: `id-${i}` }],
        data: new TextEncoder().encode(JSON.stringify({ i, text: 'Sở Tài nguyên '.repeat(70) })),
      },
      head,
      new Date(Date.UTC(2025, 0, 1, 0, 0, i)),
    );
    entries.push(e);
    head = e;
  }
  const header: ArchiveHeader = {
    kind: 'archive',
    format: 1,
    fromSeq: 1,
    toSeq: n,
    prevHash: GENESIS_HASH,
    lastHash: head.hash,
    entries: n,
    createdAt: '2025-02-01T00:00:00.000Z',
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
  const lines = [...archiveLines(header, entries, [signCheckpoint(head, new Date(), privateKey)])];
  edit?.(lines);
  const file = join(dir, `a-${Math.random().toString(36).slice(2)}.ndjson`);
  writeFileSync(file, lines.join(''));
  return file;
}

describe('an archive file, verified streamed (README "How to verify the audit trail", step 5)', () => {
  it('verifies as the parsed archive does, lines straddling the reader’s chunks', async () => {
    const file = archive(1_500);
    const { report, header } = await verifyArchiveFile(file, keys);
    assert.deepEqual(report, {
      ok: true,
      fromSeq: 1,
      toSeq: 1_500,
      entriesChecked: 1_500,
      checkpointsChecked: 1,
    });
    assert.equal(header.toSeq, 1_500);
  });

  it('reports an edited entry, an added field and a missing final checkpoint like the parsed archive', async () => {
    const edited = archive(1_500, (lines) => {
      lines[900] = lines[900]!.replace('"streamSeq":900', '"streamSeq":901');
    });
    const added = archive(1_500, (lines) => {
      lines[700] = lines[700]!.replace('{"kind":"entry",', '{"kind":"entry","approvedBy":"x",');
    });
    const unsigned = archive(20, (lines) => lines.pop());
    for (const [file, seq, code] of [
      [edited, 900, 'hash-mismatch'],
      [added, 700, 'unhashed-fields'],
      [unsigned, 20, 'truncated'],
    ] as const) {
      const { report } = await verifyArchiveFile(file, keys);
      assert.deepEqual([report.firstBreak?.seq, report.firstBreak?.code], [seq, code], file);
      assert.deepEqual(verifyArchive(parseArchive(readFileSync(file, 'utf8')), keys), report);
    }
  });

  it('holds the archive to checkpoints the verifier kept (audit:verify --checkpoints)', async () => {
    const file = archive(30);
    const original = parseArchive(readFileSync(file, 'utf8'));
    const kept = signCheckpoint(original.entries[9]!, new Date(), privateKey);
    const agreed = await verifyArchiveFile(file, keys, undefined, [kept]);
    assert.deepEqual([agreed.report.ok, agreed.report.checkpointsChecked], [true, 2]);
    // What the verifier kept says entry 10 hashed otherwise: this archive rewrote history.
    const other = signCheckpoint({ seq: 10, hash: 'e'.repeat(64) }, new Date(), privateKey);
    const { report } = await verifyArchiveFile(file, keys, undefined, [other]);
    assert.deepEqual([report.firstBreak?.seq, report.firstBreak?.code], [10, 'checkpoint-mismatch']);
    const { report: forged } = await verifyArchiveFile(file, keys, undefined, [
      { ...kept, hash: 'f'.repeat(64) },
    ]);
    assert.deepEqual([forged.firstBreak?.seq, forged.firstBreak?.code], [10, 'forged-checkpoint']);
  });

  it('refuses what is not an archive', async () => {
    const file = join(dir, 'not.ndjson');
    writeFileSync(file, '{"kind":"entry"}\n');
    await assert.rejects(verifyArchiveFile(file, keys), /archive header/);
  });
});
