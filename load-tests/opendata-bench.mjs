#!/usr/bin/env node
// The open-data search under load: `node load-tests/opendata-bench.mjs [--quick] [--n=<datasets>]` after
// a build (`npx nx run @openlgsp/opendata-service:build`).
//
// GET /opendata/catalog (the portal's search, with facets) and CKAN's package_search are what external
// apps and harvesters call most. Each is driven by autocannon with 16 connections, in alternating
// rounds beside the same query made directly on the store with the driver (the search entries read with
// the same text and facet filters, no HTTP, no facets). 10,000 datasets by default: FerretDB v1 reads
// a whole collection for any filter but a plain _id, which is what this design works around.
// Markdown on stdout, progress on stderr.
import { startTelemetry } from '@openlgsp/telemetry';
await startTelemetry({ serviceName: 'opendata' });

const os = await import('node:os');
const { performance } = await import('node:perf_hooks');
const { setTimeout: sleep } = await import('node:timers/promises');
const { v7: uuidv7 } = await import('uuid');
const { default: mongoose } = await import('mongoose');
const { default: autocannon } = await import('autocannon');
const { log, heapMb, runOps, alternate, notes, int, rateRow, latencyRow, machineLine, printReport } =
  await import('./lib/measure.mjs');
const { parseOptions, startBenchService, stopBenchService, storeName, run } = await import('./lib/run.mjs');
const dist = new URL('../services/opendata/dist/', import.meta.url);
const { applyVersion, publisherOf, searchEntryOf, versionOf } = await import(
  new URL('src/public-catalogue/public-catalogue.rules.js', dist).href
);
const { published, versionData } = await import(new URL('test/fixtures.js', dist).href);

const { quick, N } = parseOptions('opendata-bench.mjs', { n: 10_000, quickN: 10_000, minN: 100 });
// The store baseline runs 2 queries in flight: each reads the whole collection on FerretDB v1, and 16
// at once starve its connection monitor.
const sizes = { rounds: 2, seconds: quick ? 4 : 15, connections: 16, storeInFlight: 2 };

const AGENCIES = ['STNMT', 'SGDDT', 'SYT', 'STC', 'SXD', 'SGTVT', 'SCT', 'SNN', 'SLDTBXH', 'SVHTTDL'];
const THEMES = ['AGRI', 'ECON', 'EDUC', 'ENVI', 'HEAL', 'REGI', 'SOCI', 'TRAN', 'GOVE'];
const WORDS = [
  'đất đai',
  'trường học',
  'bệnh viện',
  'ngân sách',
  'giao thông',
  'dân số',
  'nông nghiệp',
  'du lịch',
];
const FORMATS = ['CSV', 'JSON', 'XLSX', 'GEOJSON', 'PDF'];

/** One version of a dataset, as the authoring side would publish it. */
function data(i) {
  const word = WORDS[i % WORDS.length];
  const agency = AGENCIES[i % AGENCIES.length];
  return versionData({
    id: uuidv7(),
    agency,
    agencyName: `Sở ${agency}`,
    title: { vi: `Dữ liệu ${word} số ${i}`, en: `Dataset ${i}` },
    keywords: [word, `nhóm ${i % 50}`],
    themes: [THEMES[i % THEMES.length]],
    format: FORMATS[i % FORMATS.length],
    license: i % 7 === 0 ? 'CC0-1.0' : 'CC-BY-4.0',
    publishedAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
  });
}

/** Same-shape sample from autocannon's histogram, for measure.mjs's rows. */
function sampleOf(results) {
  const requests = results.reduce((n, r) => n + r.requests.total, 0);
  const seconds = results.reduce((s, r) => s + r.duration, 0);
  const errors = results.reduce((n, r) => n + r.errors + r.non2xx, 0);
  if (errors) throw new Error(`${errors} failed requests`);
  return {
    opsPerSec: requests / seconds,
    // The worst round's percentile: rounds are alternated, so this keeps the comparison fair.
    pct: (p) => Math.max(...results.map((r) => r.latency[`p${p}`])),
  };
}

async function main() {
  const t0 = performance.now();
  const loadStart = os.loadavg()[0];
  log(`opendata bench: starting engines and the opendata public side (N=${N}${quick ? ', quick' : ''})`);
  const sut = await startBenchService({
    service: 'opendata',
    appModule: async () => (await import(new URL('test/public-app.module.js', dist).href)).PublicAppModule,
  });
  let conn;
  try {
    // A scan of the whole collection can outlast the driver's default monitor timeout on FerretDB v1.
    conn = await mongoose
      .createConnection(sut.engines.mongoUrl, { connectTimeoutMS: 120_000, socketTimeoutMS: 0 })
      .asPromise();
    const db = conn.db;
    // A few datasets through the change feed, as in production, to check the path end to end…
    const viaFeed = Array.from({ length: 20 }, (_, i) => data(N + i));
    for (const d of viaFeed) await published(sut.js, d);
    // …and the rest stored in bulk, built by the projection's own rules (untimed).
    const publishers = new Map();
    for (let done = 0; done < N - viaFeed.length; done += 500) {
      const batch = Array.from({ length: Math.min(500, N - viaFeed.length - done) }, (_, i) =>
        data(done + i),
      );
      const datasets = batch.map((d) => applyVersion(null, versionOf(d)));
      await db
        .collection('public_versions')
        .insertMany(batch.map((d) => ({ _id: `${d.datasetId}:1`, ...versionOf(d) })));
      await db.collection('public_datasets').insertMany(datasets);
      await db.collection('public_search').insertMany(datasets.map(searchEntryOf));
      for (const d of batch)
        publishers.set(d.ownerAgency, publisherOf(publishers.get(d.ownerAgency) ?? null, versionOf(d)));
      if (done % 2000 === 0) log(`stored ${done + batch.length} datasets`);
    }
    for (const p of publishers.values())
      await db.collection('public_publishers').replaceOne({ _id: p._id }, p, { upsert: true });
    await db
      .collection('public_generations')
      .updateOne({ _id: 'search' }, { $inc: { generation: 1 } }, { upsert: true });
    for (let i = 0; ; i++) {
      const a = await sut.request('GET', '/opendata/catalog?limit=1');
      if (a.body?.total === N) break;
      if (i > 600) throw new Error(`the read model holds ${a.body?.total} datasets, not ${N}`);
      await sleep(100);
    }

    const searchPath = `/opendata/catalog?q=${encodeURIComponent('dat dai')}&theme=AGRI,ENVI,EDUC&limit=20`;
    const ckanPath = `/opendata/api/3/action/package_search?${new URLSearchParams({
      q: 'dat dai',
      fq: 'res_format:CSV',
      rows: '20',
      'facet.field': '["organization","res_format","license_id","groups"]',
    })}`;
    const check = async (path) => {
      const a = await sut.request('GET', path);
      if (a.status !== 200) throw new Error(`${path}: ${a.status} ${JSON.stringify(a.body).slice(0, 300)}`);
      return a.body;
    };
    const found = await check(searchPath);
    const ckanFound = await check(ckanPath);
    log(`search finds ${found.total}, package_search ${ckanFound.result.count}`);
    // The same queries on the store: the search entries' text and facet filters, read with the driver.
    const entries = db.collection('public_search');
    const storeSearch = () =>
      entries
        .find({ text: { $regex: 'dat' }, themes: { $in: ['AGRI', 'ENVI', 'EDUC'] }, retracted: false })
        .toArray();
    const storeCkan = () =>
      entries.find({ text: { $regex: 'dat' }, formats: 'CSV', retracted: false }).toArray();
    const storeCount = (await storeSearch()).length;

    const cannon = (path) =>
      autocannon({ url: `${sut.url}${path}`, connections: sizes.connections, duration: sizes.seconds });
    const storeRun = async (op) => {
      const t = performance.now();
      let count = 0;
      const deadline = t + sizes.seconds * 1000;
      const lat = [];
      while (performance.now() < deadline) {
        const r = await runOps(sizes.storeInFlight, sizes.storeInFlight, op);
        count += sizes.storeInFlight;
        lat.push(...r.latencies);
      }
      return { ms: performance.now() - t, latencies: lat, count };
    };
    const heapStart = heapMb();
    log(`measuring ${sizes.rounds} × ${sizes.seconds} s per side, ${sizes.connections} in flight`);
    const httpRounds = { search: [], ckan: [] };
    const samples = await alternate(sizes.rounds, {
      search: async () => (httpRounds.search.push(await cannon(searchPath)), { ms: 1, latencies: [] }),
      store: () => storeRun(storeSearch),
      ckan: async () => (httpRounds.ckan.push(await cannon(ckanPath)), { ms: 1, latencies: [] }),
      storeCkan: () => storeRun(storeCkan),
    });
    const search = sampleOf(httpRounds.search);
    const ckan = sampleOf(httpRounds.ckan);
    const label = `${int(N)} datasets, ${sizes.connections} in flight (store: ${sizes.storeInFlight})`;
    rateRow(
      `GET /opendata/catalog (q + 3 themes, facets), ${label} vs the same query on the store`,
      search.opsPerSec,
      samples.store.opsPerSec,
      'req/s',
    );
    latencyRow(`GET /opendata/catalog, ${label} vs the same query on the store`, search, samples.store);
    rateRow(
      `CKAN package_search (q + fq + 4 facet fields), ${label} vs the same query on the store`,
      ckan.opsPerSec,
      samples.storeCkan.opsPerSec,
      'req/s',
    );
    latencyRow(`CKAN package_search, ${label} vs the same query on the store`, ckan, samples.storeCkan);
    notes.push(
      `The store baselines, unrounded: ${samples.store.opsPerSec.toFixed(2)} and ${samples.storeCkan.opsPerSec.toFixed(2)} queries/s.`,
      `The search finds ${int(found.total)} of ${int(N)} datasets ("dat dai" in three themes; the store query ${int(storeCount)} before the accent-free word match), package_search ${int(ckanFound.result.count)}; each answer carries a page of 20 and every facet's counts. The store baseline reads the matching search entries with the driver (regex on the folded text, facet filter), with no HTTP, paging, facets or page loads.`,
      'The service answers from a per-process copy of the search entries, renewed when a counter document (read by _id on every request) moves, so a search costs one _id read plus an in-memory filter (package_search adds the _id reads of its 20 packages, kept per process until the counter moves); the store baseline is what a search costs when FerretDB v1 filters the collection itself (it reads the whole collection for any filter but a plain _id).',
      `${viaFeed.length} datasets came through the change feed (OPENDATA stream → opendata-public consumer); the rest were stored in bulk by the projection's own rules.`,
    );
    const heapEnd = heapMb();
    printReport({
      title: `## OpenLGSP opendata benchmark — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, N=${N}${quick ? ' (--quick)' : ''}`,
      context: [
        machineLine({ nats: sut.nc.info?.version, store: await storeName(sut.engines, db), loadStart }),
        'Client (autocannon), opendata service (in this process, telemetry on without an exporter, LOG_LEVEL=error) and engines share the machine.',
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
