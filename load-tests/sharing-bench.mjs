#!/usr/bin/env node
// The sharing service's access check under load: `npm run bench` runs it after catalogue-bench.mjs, or
// `node load-tests/sharing-bench.mjs [--quick] [--n=<count>]` after a build.
//
// GET /sharing/grants/check is what a provider's system calls before it serves data, so its requests per
// second and its p99 are what matter. It is measured with 16 requests in flight, next to two baselines
// run in the same rounds against the same engines: the service's GET /sharing/health/live (the HTTP,
// auth-free floor of this process) and the check's own three store reads made directly with the driver
// (the store floor). Then again with many more grants stored, because FerretDB v1 scans a collection
// for any filter other than a plain _id. Markdown on stdout, progress on stderr.
import { startTelemetry } from '@openlgsp/telemetry';
await startTelemetry({ serviceName: 'sharing' });

const os = await import('node:os');
const { randomUUID } = await import('node:crypto');
const { performance } = await import('node:perf_hooks');
const { setTimeout: sleep } = await import('node:timers/promises');
const { default: mongoose } = await import('mongoose');
const {
  log,
  heapMb,
  runOps,
  alternate,
  rows,
  notes,
  int,
  fmtRatio,
  rateRow,
  latencyRow,
  machineLine,
  printReport,
} = await import('./lib/measure.mjs');
const { parseOptions, startBenchService, stopBenchService, storeName, run } = await import('./lib/run.mjs');
const { listEntryWithService } = await import('./lib/fixtures.mjs');

const { quick, N } = parseOptions('sharing-bench.mjs', { n: 200, quickN: 40, minN: 10 });
const sizes = {
  rounds: 2,
  /** checks per side and round */
  checks: 10 * N,
  concurrency: 16,
  /** grants of other holders and entries stored for the second measurement */
  preload: 25 * N,
};

async function main() {
  const t0 = performance.now();
  const loadStart = os.loadavg()[0];
  log(`sharing bench: starting engines and the sharing service (N=${N}${quick ? ', quick' : ''})`);
  const sut = await startBenchService({ service: 'sharing' });
  let conn;
  try {
    // The harness gives each suite its own database, named in the URL.
    conn = await mongoose.createConnection(sut.engines.mongoUrl).asPromise();
    const db = conn.db;
    const { entryId, serviceId } = await listEntryWithService(sut.js, 'STNMT');
    const consumer = await sut.token('SXD', ['consumer']);
    const provider = await sut.token('STNMT', ['provider']);
    const system = await sut.token('STNMT', ['integrator'], 'stnmt-land-system');

    // One real grant, made the way users make it: request, approval, the grant by reaction.
    let requestId;
    for (let i = 0; !requestId && i < 200; i++) {
      const a = await sut.request('POST', '/sharing/requests', {
        token: consumer,
        body: {
          entryId,
          serviceId,
          purpose: 'Xác minh thửa đất',
          fields: ['parcelId', 'area'],
          legalBasis: [{ instrument: 'Nghị định 47/2020/NĐ-CP', article: '38' }],
          period: {
            from: new Date().toISOString(),
            until: new Date(Date.now() + 365 * 86_400_000).toISOString(),
          },
          contact: { name: 'Nguyễn Văn An' },
        },
      });
      if (a.status === 201) requestId = a.body.requestId;
      else await sleep(50);
    }
    if (!requestId) throw new Error('the entry never became requestable');
    const approved = await sut.request('POST', `/sharing/requests/${requestId}/approval`, {
      token: provider,
      body: {},
    });
    if (approved.status !== 200)
      throw new Error(`approval: ${approved.status} ${JSON.stringify(approved.body)}`);
    for (let i = 0; (await db.collection('grants').countDocuments({ _id: requestId })) === 0; i++) {
      if (i > 200) throw new Error('no grant was issued');
      await sleep(50);
    }

    const checkPath = `/sharing/grants/check?holder=SXD&entryId=${entryId}&serviceId=${serviceId}&fields=area`;
    const check = async () => {
      const a = await sut.request('GET', checkPath, { token: system });
      if (a.status !== 200 || a.body.allowed !== true)
        throw new Error(`check: ${a.status} ${JSON.stringify(a.body)}`);
    };
    const live = async () => {
      const a = await sut.request('GET', '/sharing/health/live');
      if (a.status !== 200) throw new Error(`live: ${a.status}`);
    };
    // The check's own reads, without HTTP, auth, validation, Nest or the rule.
    const storeReads = async () => {
      await Promise.all([
        db.collection('catalogue_entries').findOne({ _id: entryId }),
        db.collection('catalogue_services').findOne({ _id: serviceId }),
        db.collection('services_under_suspension').findOne({ _id: serviceId }),
        db.collection('grant_holdings').findOne({ _id: `SXD|${entryId}` }),
      ]);
    };

    const heapStart = heapMb();
    for (let i = 0; i < 50; i++) await Promise.all([check(), live(), storeReads()]);
    const per = Math.ceil(sizes.checks / sizes.rounds);
    const measure = () =>
      alternate(sizes.rounds, {
        check: () => runOps(per, sizes.concurrency, check),
        live: () => runOps(per, sizes.concurrency, live),
        store: () => runOps(per, sizes.concurrency, storeReads),
      });
    const grantsBefore = await db.collection('grants').countDocuments({});
    log(`measuring ${int(per * sizes.rounds)} checks per side with ${grantsBefore} grant(s) stored`);
    const small = await measure();
    const label = (n) => `check, ${sizes.concurrency} in flight, ${int(n)} grants stored`;
    rateRow(
      `${label(grantsBefore)} vs GET /sharing/health/live`,
      small.check.opsPerSec,
      small.live.opsPerSec,
      'req/s',
    );
    latencyRow(`${label(grantsBefore)} vs GET /sharing/health/live`, small.check, small.live);
    rateRow(
      `${label(grantsBefore)} vs its store reads alone`,
      small.check.opsPerSec,
      small.store.opsPerSec,
      'req/s',
    );
    latencyRow(`${label(grantsBefore)} vs its store reads alone`, small.check, small.store);

    // Many more grants, of other holders and entries (raw inserts, untimed).
    const until = new Date(Date.now() + 365 * 86_400_000);
    for (let done = 0; done < sizes.preload; done += 500) {
      const docs = Array.from({ length: Math.min(500, sizes.preload - done) }, (_, i) => {
        const id = randomUUID();
        return {
          _id: id,
          revision: 1,
          origin: 'approval',
          requestId: id,
          entryId: randomUUID(),
          ownerAgency: `P${(done + i) % 40}`,
          holderAgency: `H${(done + i) % 60}`,
          fields: ['a', 'b'],
          validity: { from: new Date(), until },
          conditions: [],
          status: 'active',
          suspension: null,
          ended: null,
          issuedAt: new Date(),
          updatedAt: new Date(),
          outbox: [],
        };
      });
      await db.collection('grants').insertMany(docs);
      await db.collection('grant_holdings').insertMany(
        docs.map((g) => ({
          _id: `${g.holderAgency}|${g.entryId}`,
          holderAgency: g.holderAgency,
          entryId: g.entryId,
          grants: {
            [g._id]: {
              _id: g._id,
              revision: 1,
              holderAgency: g.holderAgency,
              entryId: g.entryId,
              fields: g.fields,
              validity: g.validity,
              status: g.status,
            },
          },
        })),
      );
    }
    const grantsAfter = await db.collection('grants').countDocuments({});
    log(`measuring again with ${grantsAfter} grants stored`);
    const big = await measure();
    rateRow(
      `${label(grantsAfter)} vs its store reads alone`,
      big.check.opsPerSec,
      big.store.opsPerSec,
      'req/s',
    );
    latencyRow(`${label(grantsAfter)} vs its store reads alone`, big.check, big.store);
    rows.push([
      `check throughput with ${int(grantsAfter)} grants ÷ with ${int(grantsBefore)}`,
      fmtRatio(big.check.opsPerSec / small.check.opsPerSec),
      fmtRatio(big.store.opsPerSec / small.store.opsPerSec),
      '—',
    ]);
    notes.push(
      'The check authenticates the bearer token (Ed25519 JWT), validates the query, reads four documents by _id — the entry and the service from the catalogue view, the service\'s planned-suspension flag, the holder\'s holdings on the entry — then applies the rule. Its "store reads alone" baseline makes the same four reads with the driver, concurrently, from this process.',
      'The holdings document exists because FerretDB v1 pushes only a plain _id filter down to SQLite: a query by {holderAgency, entryId} on the grants read the whole collection (9 checks/s with 1,001 grants stored, before this design). The grants stored for the second measurement are in the grants collection, as users make them; the last row shows the check no longer depends on them.',
    );
    const heapEnd = heapMb();

    printReport({
      title: `## OpenLGSP sharing benchmark — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, N=${N}${quick ? ' (--quick)' : ''}`,
      context: [
        machineLine({ nats: sut.nc.info?.version, store: await storeName(sut.engines, db), loadStart }),
        'Client, sharing service (in this process, telemetry on without an exporter, LOG_LEVEL=error) and engines share the machine.',
      ],
      heapLine: `Heap used after a forced GC, MB: ${heapStart.toFixed(1)} before, ${heapEnd.toFixed(1)} after (RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB).`,
      startedAt: t0,
    });
  } finally {
    await conn?.close().catch(() => undefined);
    await stopBenchService(sut);
  }
}

await run(main);
