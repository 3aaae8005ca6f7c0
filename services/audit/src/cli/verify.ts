#!/usr/bin/env node
/**
 * Verifies the audit trail outside the service: the store (whole or a range) or archive files.
 *
 *   npm run audit:verify -- --mongo-url mongodb://…/lgsp_audit --public-key audit-public.pem [--from N] [--to M]
 *   npm run audit:verify -- --archive a.ndjson [b.ndjson …] [--public-key audit-public.pem]
 *
 * `--checkpoints FILE` (repeatable) adds checkpoints kept outside the store — published ones collected
 * from `lgsp.audit.checkpoint.signed`, or an earlier `GET /audit/checkpoints` — so that deleting a
 * checkpoint from the store cannot hide a rewrite of the history it signed.
 *
 * Prints the report as JSON; exits 0 when the trail verifies, 1 when it is broken, 2 on bad usage.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import mongoose from 'mongoose';
import { RuleViolationError } from '@openlgsp/domain';
import { trustedKeys, type Checkpoint } from '../checkpoints/checkpoint.rules.js';
import { ArchiveFormatError, verifyArchiveFile } from '../retention/archive.format.js';
import { CheckpointFileError, checkpointsFromText } from '../checkpoints/checkpoint-file.js';
import { ArchivesStore } from '../retention/archives.store.js';
import { TrailStore } from '../trail/trail.store.js';
import type { VerificationReport } from '../verification/chain.rules.js';
import { verifyStoredTrail } from '../verification/verification.service.js';

/** Where the report and the messages go (a test passes its own, to keep its output quiet). */
export interface Output {
  out: { write(text: string): unknown };
  err: { write(text: string): unknown };
}

export async function main(
  argv: string[],
  io: Output = { out: process.stdout, err: process.stderr },
): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      allowPositionals: false,
      options: {
        'mongo-url': { type: 'string' },
        db: { type: 'string' },
        'public-key': { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        archive: { type: 'string', multiple: true },
        checkpoints: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    io.err.write(`${(err as Error).message}\n`);
    return 2;
  }
  if (values.help || (!values['mongo-url'] && !values.archive)) {
    io.err.write(
      'usage: verify --mongo-url URL --public-key PEM [--db NAME] [--from N] [--to M] [--checkpoints FILE …]\n' +
        '       verify --archive FILE [--archive FILE …] [--public-key PEM] [--checkpoints FILE …]\n',
    );
    return values.help ? 0 : 2;
  }
  const key = values['public-key']
    ? createPublicKey(await readFile(values['public-key'], 'utf8'))
    : undefined;
  let report: VerificationReport | undefined;
  try {
    const kept: Checkpoint[] = [];
    for (const file of values.checkpoints ?? [])
      kept.push(...checkpointsFromText(await readFile(file, 'utf8')));
    report = values.archive
      ? await archives(values.archive, kept, io, key)
      : await store(values, kept, io, key);
  } catch (err) {
    // A range that reaches into the archives, an unreadable archive or checkpoints file: say so, not a stack trace.
    if (
      !(err instanceof RuleViolationError) &&
      !(err instanceof ArchiveFormatError) &&
      !(err instanceof CheckpointFileError)
    )
      throw err;
    io.err.write(`${err.message}\n`);
    return 2;
  }
  if (!report) return 2;
  io.out.write(`${JSON.stringify(report, null, 2)}\n`);
  io.err.write(
    report.ok
      ? `the trail verifies: entries ${report.fromSeq ?? '-'}..${report.toSeq ?? '-'}, ${report.checkpointsChecked} checkpoints\n`
      : `BROKEN at entry ${report.firstBreak!.seq} (${report.firstBreak!.code}): ${report.firstBreak!.reason}\n`,
  );
  return report.ok ? 0 : 1;
}

async function archives(
  files: string[],
  kept: Checkpoint[],
  io: Output,
  key?: KeyObject,
): Promise<VerificationReport | undefined> {
  let after: { lastSeq: number; lastHash: string } | undefined;
  let total: VerificationReport | undefined;
  for (const file of files) {
    if (!key) io.err.write(`${file}: no --public-key given; trusting the key the archive carries\n`);
    const { header, report } = await verifyArchiveFile(
      file,
      (h) => trustedKeys(key ?? createPublicKey(h.publicKeyPem)),
      after,
      kept,
    );
    total = {
      ...report,
      fromSeq: total?.fromSeq ?? report.fromSeq,
      entriesChecked: (total?.entriesChecked ?? 0) + report.entriesChecked,
      checkpointsChecked: (total?.checkpointsChecked ?? 0) + report.checkpointsChecked,
    };
    if (!report.ok) return total;
    after = { lastSeq: header.toSeq, lastHash: header.lastHash };
  }
  return total;
}

async function store(
  values: { 'mongo-url'?: string; db?: string; from?: string; to?: string },
  kept: Checkpoint[],
  io: Output,
  key?: KeyObject,
): Promise<VerificationReport | undefined> {
  if (!key) {
    io.err.write('--public-key is required to verify the store (the key you trust, not one it holds)\n');
    return undefined;
  }
  const range: { fromSeq?: number; toSeq?: number } = {};
  for (const [name, field] of [
    ['from', 'fromSeq'],
    ['to', 'toSeq'],
  ] as const) {
    const raw = values[name];
    if (raw === undefined) continue;
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n < 1) {
      io.err.write(`--${name} must be a positive whole number\n`);
      return undefined;
    }
    range[field] = n;
  }
  const connection = await mongoose
    .createConnection(values['mongo-url']!, {
      ...(values.db ? { dbName: values.db } : {}),
      retryWrites: false,
    })
    .asPromise();
  try {
    const trail = new TrailStore(connection, () => new Date());
    const checkpoints = (await connection
      .db!.collection('checkpoints')
      .find({}, { projection: { _id: 0, outbox: 0, revision: 0 } })
      .sort({ _id: 1 })
      .toArray()) as unknown as Checkpoint[];
    const cut = await new ArchivesStore(connection).last();
    return await verifyStoredTrail(
      trail,
      { checkpoints: [...checkpoints, ...kept], keys: trustedKeys(key), ...(cut ? { cut } : {}) },
      range,
    );
  } finally {
    await connection.close();
  }
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href)
  process.exitCode = await main(process.argv.slice(2));
