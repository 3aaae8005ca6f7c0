#!/usr/bin/env node
// The audit service's benchmark: `npm run bench` runs it after catalogue-bench.mjs, or `node load-tests/audit-bench.mjs`
// after a build.
//
//   node load-tests/audit-bench.mjs            full run: 10,000 events (about a minute on an idle 2-core machine)
//   node load-tests/audit-bench.mjs --quick    2,000 events, a smoke check
//   node load-tests/audit-bench.mjs --n=20000  the number of events
//
// It starts its own engines and the audit service in this process, publishes N CloudEvents to JetStream
// and measures how fast the service records them into its hash chain (group commit: batches of what
// has queued), next to a baseline of raw inserts of the very same documents into the same store, one
// after another (what a recorder without batches could at best do).
// Then it verifies the chain it built and reports the cost per million entries (extrapolated from the N
// measured, linear by construction: one streaming pass), next to a plain read of the same entries, and
// an archive file of the same entries, next to reading and parsing its lines.
// Prints a Markdown table on stdout; progress goes to stderr.
import { startTelemetry } from '@openlgsp/telemetry';
await startTelemetry({ serviceName: 'audit' });

const os = await import('node:os');
const { mkdtempSync, rmSync, createWriteStream } = await import('node:fs');
const { execFileSync } = await import('node:child_process');
const { dirname } = await import('node:path');
const { fileURLToPath } = await import('node:url');
const { tmpdir } = await import('node:os');
const { join } = await import('node:path');
const { performance } = await import('node:perf_hooks');
const { setTimeout: sleep } = await import('node:timers/promises');
const { createEvent, toNatsMessage } = await import('@openlgsp/events');
const {
  log,
  heapMb,
  runOps,
  rows,
  notes,
  int,
  fmtRate,
  fmtRatio,
  rateRow,
  result,
  machineLine,
  printReport,
} = await import('./lib/measure.mjs');
const { parseOptions, traceparent, startBenchService, stopBenchService, storeName, run } =
  await import('./lib/run.mjs');

const { quick, N } = parseOptions('audit-bench.mjs', { n: 10_000, quickN: 2_000, minN: 100 });

// Loaded after startService has set the environment: the app module reads it when it loads.
const audit = '../services/audit/dist/src/index.js';

/** A realistic catalogue fact (contracts/examples/catalogue/agency.updated.v1.json's shape). */
const fact = (i) => ({
  ...createEvent(
    'vn.openlgsp.catalogue.agency.updated.v1',
    {
      code: `A${i % 500}`,
      name: 'Sở Tài nguyên và Môi trường tỉnh Bình Định',
      level: 'province',
      focalPoint: { name: 'Nguyễn Văn A', email: 'a@stnmt.binhdinh.gov.vn' },
    },
    { source: '/openlgsp/catalogue', subject: `A${i % 500}`, agency: `A${i % 500}`, actor: 'dic-officer' },
  ),
  traceparent: traceparent(),
});

const here = dirname(fileURLToPath(import.meta.url));

/** Run in a child: verifies the archive (argv[1], key argv[2]) twice, times the second run, then parses its lines. */
const ARCHIVE_TIMING = `
import { createPublicKey } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
const { verifyArchiveFile, trustedKeys } = await import('../services/audit/dist/src/index.js');
const [file, pem] = process.argv.slice(1);
const keys = trustedKeys(createPublicKey(pem));
const time = async (fn) => {
  const c = process.cpuUsage();
  const w = performance.now();
  const out = await fn();
  const u = process.cpuUsage(c);
  return { out, wallMs: performance.now() - w, cpuMs: (u.user + u.system) / 1000 };
};
await verifyArchiveFile(file, keys); // warm up (the JIT), as a verifier of many archives would be
const verify = await time(() => verifyArchiveFile(file, keys));
const parse = await time(async () => {
  let n = 0;
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity }))
    if (JSON.parse(line).kind === 'entry') n++;
  return n;
});
const { report } = verify.out;
process.stdout.write(JSON.stringify({ ok: report.ok, firstBreak: report.firstBreak, entries: report.entriesChecked,
  verify: { wallMs: verify.wallMs, cpuMs: verify.cpuMs }, parse: { wallMs: parse.wallMs, cpuMs: parse.cpuMs } }));
`;

async function waitForHead(trail, seq, timeoutMs) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const head = await trail.currentHead();
    if (head.seq >= seq) return head;
    if (Date.now() > until) throw new Error(`the trail reached ${head.seq} of ${seq} entries in time`);
    await sleep(50);
  }
}

async function main() {
  const t0 = performance.now();
  const loadStart = os.loadavg()[0];
  log(`starting engines and the audit service (N=${N}${quick ? ', quick' : ''})`);
  const dir = mkdtempSync(join(tmpdir(), 'lgsp-audit-bench-'));
  const sut = await startBenchService({
    service: 'audit',
    appModule: async () => (await import(audit)).AppModule,
    env: { LGSP_DATA: dir, AUDIT_CHECKPOINT_INTERVAL_MS: '0', AUDIT_ARCHIVE_INTERVAL_MS: '0' },
  });
  try {
    const { TrailStore, VerificationService, ChainVerifier, archiveLines } = await import(audit);
    const trail = sut.app.get(TrailStore);
    const heapStart = heapMb();
    const db = trail.entries.db;

    // 1 · recording: publish N events (64 in flight) while the recorder drains them into the chain.
    log(`publishing ${int(N)} events and recording them`);
    const messages = Array.from({ length: N }, (_, i) => toNatsMessage(fact(i)));
    const started = performance.now();
    const published = await runOps(N, 64, (i) =>
      sut.js.publish('lgsp.catalogue.agency.updated', messages[i].body, { headers: messages[i].headers }),
    );
    await waitForHead(trail, N, 30 * 60_000);
    const recordMs = performance.now() - started;

    // Baseline: the same N documents, inserted one after another into a scratch collection of the same store.
    const docs = await trail.entries.find({}).sort({ _id: 1 }).toArray();
    // The entries as an outside verifier holds them (an export, an archive): without the store's _id.
    const stored = docs.map((doc) => Object.fromEntries(Object.entries(doc).filter(([k]) => k !== '_id')));
    const scratch = db.collection('bench_raw_inserts');
    await scratch.deleteMany({});
    const raw = await runOps(docs.length, 1, (i) => scratch.insertOne({ ...docs[i] }));
    await scratch.drop().catch(() => undefined);
    // Second baseline: the two writes a chained append needs at least (the entry, then the head moved
    // conditionally), with nothing else: what the hash chain costs in the store, before JetStream and hashing.
    const head = db.collection('bench_raw_head');
    await head.insertOne({ _id: 'head', seq: 0, hash: '' });
    const twoWrites = await runOps(docs.length, 1, async (i) => {
      await scratch.insertOne({ ...docs[i] });
      await head.updateOne({ _id: 'head', seq: i }, { $set: { seq: i + 1, hash: docs[i].hash } });
    });
    await scratch.drop().catch(() => undefined);
    await head.drop().catch(() => undefined);
    // Third baseline: the store's ceiling for a batched writer: insertMany of the same documents, 500 at a time.
    const BATCH = 500;
    const many = await runOps(Math.ceil(docs.length / BATCH), 1, (b) =>
      scratch.insertMany(docs.slice(b * BATCH, (b + 1) * BATCH).map((d) => ({ ...d }))),
    );
    await scratch.drop().catch(() => undefined);
    rateRow(
      'recording through NATS (hash chain, one writer) vs raw insertOne of the same documents',
      N / (recordMs / 1000),
      docs.length / (raw.ms / 1000),
      'entries/s',
      'audit.record.insertOne',
    );
    rateRow(
      'recording through NATS vs insertMany of the same documents, 500 at a time (the store alone)',
      N / (recordMs / 1000),
      docs.length / (many.ms / 1000),
      'entries/s',
      'audit.record.insertMany',
    );
    rateRow(
      'recording through NATS vs insertOne + conditional head update of the same documents',
      N / (recordMs / 1000),
      docs.length / (twoWrites.ms / 1000),
      'entries/s',
      'audit.record.twoWrites',
    );
    notes.push(
      `Recording: ${int(N)} events published with 64 in flight (${fmtRate(N / (published.ms / 1000))}/s published), ` +
        `recorded in ${(recordMs / 1000).toFixed(1)} s from the first publish to the last entry.`,
    );

    // 2 · verification of the chain just built, against a plain read of the same entries.
    await sut.request('POST', '/audit/checkpoints', { token: await sut.token('STTTT', ['dic']) });
    const verification = sut.app.get(VerificationService);
    const v = performance.now();
    const report = await verification.verify();
    const verifyMs = performance.now() - v;
    if (!report.ok) throw new Error(`the chain does not verify: ${JSON.stringify(report.firstBreak)}`);
    const r = performance.now();
    let read = 0;
    for await (const entry of trail.range(1, Number.MAX_SAFE_INTEGER)) if (entry) read++;
    const readMs = performance.now() - r;
    const perMillion = (ms, n) => ((ms / n) * 1e6) / 1000;
    const verifyLabel = 'verifying the stored chain vs reading the same entries';
    rows.push([
      `${verifyLabel} — s per million entries (extrapolated)`,
      perMillion(verifyMs, report.entriesChecked).toFixed(0),
      perMillion(readMs, read).toFixed(0),
      fmtRatio(verifyMs / report.entriesChecked / (readMs / read)),
    ]);
    result({
      key: 'audit.verify.store',
      benchmark: verifyLabel,
      unit: 'entries/s',
      ours: report.entriesChecked / (verifyMs / 1000),
      baseline: read / (readMs / 1000),
      ratio: verifyMs / report.entriesChecked / (readMs / read),
    });
    // The CPU part alone: hashing and linking entries already in memory.
    const c = process.cpuUsage();
    const verifier = new ChainVerifier({ firstSeq: 1, checkpoints: [], trustedKeys: new Map() });
    for (const d of stored) verifier.push(d);
    const spent = process.cpuUsage(c);
    const cpuMs = (spent.user + spent.system) / 1000;
    rows.push([
      'verifying in memory (JCS + SHA-256 + link only) — CPU s per million entries (extrapolated)',
      perMillion(cpuMs, stored.length).toFixed(1),
      '—',
      '—',
    ]);

    // 3 · verification of an archive file of the same entries (what an outside verifier holds), against
    // reading and parsing the same file line by line (the least any verifier of the file must do).
    const cps = (await sut.request('GET', '/audit/checkpoints', { token: await sut.token('STTTT', ['dic']) }))
      .body.items;
    const { publicKeyPem } = (await sut.request('GET', '/audit/checkpoints/public-key')).body;
    const archiveFile = join(dir, 'bench-archive.ndjson');
    const last = stored[stored.length - 1];
    const header = {
      kind: 'archive',
      format: 1,
      fromSeq: 1,
      toSeq: last.seq,
      prevHash: '0'.repeat(64),
      lastHash: last.hash,
      entries: stored.length,
      createdAt: new Date().toISOString(),
      publicKeyPem,
    };
    const out = createWriteStream(archiveFile);
    for (const line of archiveLines(
      header,
      stored,
      cps.filter((cp) => cp.seq <= last.seq),
    ))
      out.write(line);
    await new Promise((r, j) => out.end((err) => (err ? j(err) : r())));
    // In a process of its own, as an outside verifier runs it (here the service would share the
    // process's CPU); CPU time beside the wall clock: on a shared machine a short run's wall time
    // depends on who else holds the cores, its CPU time does not.
    const measured = JSON.parse(
      execFileSync(
        process.execPath,
        ['--input-type=module', '-e', ARCHIVE_TIMING, archiveFile, publicKeyPem],
        { cwd: here, encoding: 'utf8' },
      ),
    );
    if (!measured.ok) throw new Error(`the archive does not verify: ${JSON.stringify(measured.firstBreak)}`);
    rateRow(
      'verifying an archive file (streamed: parse + JCS + SHA-256 + links + checkpoint) vs reading and parsing its lines, per CPU second',
      measured.entries / (measured.verify.cpuMs / 1000),
      measured.entries / (measured.parse.cpuMs / 1000),
      'entries/s',
      'audit.verify.archive.cpu',
    );
    rateRow(
      'the same, wall clock',
      measured.entries / (measured.verify.wallMs / 1000),
      measured.entries / (measured.parse.wallMs / 1000),
      'entries/s',
      'audit.verify.archive.wall',
    );
    notes.push(
      `Verification: ${int(report.entriesChecked)} entries in ${(verifyMs / 1000).toFixed(2)} s (store read + SHA-256 + links + checkpoint); ` +
        'per million is that time × 1,000,000 / N: one streaming pass, linear in the entries, not measured at a million.',
    );

    printReport({
      title: `## OpenLGSP audit benchmark — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, N=${N}${quick ? ' (--quick)' : ''}`,
      context: [
        machineLine({ nats: sut.nc.info?.version, store: await storeName(sut.engines, db), loadStart }),
        'Client, audit service (in this process, LOG_LEVEL=error) and engines share the machine.',
      ],
      heapLine: `Heap used after a forced GC, MB: ${heapStart.toFixed(1)} with the service up, ${heapMb().toFixed(1)} at the end (RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB).`,
      startedAt: t0,
    });
  } finally {
    await stopBenchService(sut);
    rmSync(dir, { recursive: true, force: true });
  }
}

await run(main);
