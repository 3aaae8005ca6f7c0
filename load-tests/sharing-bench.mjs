#!/usr/bin/env node
// The sharing service's access check under load: `npm run bench` runs it after catalogue-bench.mjs, or
// `node load-tests/sharing-bench.mjs [--quick] [--n=<count>]` after a build.
//
// GET /sharing/grants/check is what a provider's system calls before it serves data, so its requests per
// second and its p99 are what matter. autocannon drives it with 16 requests in flight from a child
// process, next to a baseline run in alternating rounds: the same service's GET /sharing/health/live
// (the HTTP, auth-free floor of this process). Markdown on stdout, progress on stderr.
import { startTelemetry } from '@openlgsp/telemetry';
await startTelemetry({ serviceName: 'sharing' });

const os = await import('node:os');
const { performance } = await import('node:perf_hooks');
const { setTimeout: sleep } = await import('node:timers/promises');
const { default: mongoose } = await import('mongoose');
const { log, heapMb, alternate, notes, int, rateRow, latencyRow, machineLine, printReport } =
  await import('./lib/measure.mjs');
const { parseOptions, startBenchService, stopBenchService, storeName, run } = await import('./lib/run.mjs');
const { listEntryWithService } = await import('./lib/fixtures.mjs');
const { httpLoad, combine } = await import('./lib/http-load.mjs');

const { quick, N } = parseOptions('sharing-bench.mjs', { n: 200, quickN: 40, minN: 10 });
const sizes = {
  rounds: 2,
  /** checks per side and round */
  checks: 10 * N,
  concurrency: 16,
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
    // The check answers from the access view, which follows the SHARING stream: it allows once the
    // grant's event has reached it, a moment after the grant is stored.
    for (let i = 0; ; i++) {
      const probe = await sut.request('GET', checkPath, { token: system });
      if (probe.status === 200 && probe.body.allowed === true) break;
      if (i > 200) throw new Error(`check: ${probe.status} ${JSON.stringify(probe.body)}`);
      await sleep(50);
    }
    const per = Math.ceil(sizes.checks / sizes.rounds);
    const check = () =>
      httpLoad({
        url: `${sut.url}${checkPath}`,
        headers: { authorization: `Bearer ${system}` },
        connections: sizes.concurrency,
        amount: per,
      });
    const live = () =>
      httpLoad({ url: `${sut.url}/sharing/health/live`, connections: sizes.concurrency, amount: per });

    const heapStart = heapMb();
    log('warming up');
    await check();
    await live();
    const grants = await db.collection('grants').countDocuments({});
    log(
      `measuring ${int(per * sizes.rounds)} checks per side (autocannon, ${sizes.concurrency} connections)`,
    );
    const runs = { check: [], live: [] };
    await alternate(sizes.rounds, {
      check: async () => (runs.check.push(await check()), { ms: 0, latencies: [] }),
      live: async () => (runs.live.push(await live()), { ms: 0, latencies: [] }),
    });
    const checks = combine(runs.check);
    const lives = combine(runs.live);
    const label = `check, ${sizes.concurrency} in flight (autocannon), vs GET /sharing/health/live`;
    rateRow(label, checks.opsPerSec, lives.opsPerSec, 'req/s', 'sharing.check');
    latencyRow(label, checks, lives, [50, 99], 'sharing.check');
    notes.push(
      `The check authenticates the bearer token (Ed25519 JWT), validates the query and answers from the service's access view in memory (the catalogue's entries and services, every holder's grants per entry, the services under a planned suspension), loaded from the store at start and kept current from the CATALOGUE and SHARING streams; the answer carries asOf, the stream positions it reflects. ${int(grants)} grant(s) stored. The baseline is the same process's unauthenticated liveness endpoint, the HTTP floor.`,
      "Load from autocannon in a child process (16 connections, a fixed number of requests per round, rounds alternated); its p50/p99 are per request as autocannon sees it, and a side's p99 is the worse of its rounds. load-tests/k6/grant-check.js drives the same request against a running platform.",
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
