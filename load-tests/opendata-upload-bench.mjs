#!/usr/bin/env node
// Upload and check of a large CSV: `node load-tests/opendata-upload-bench.mjs [--quick] [--n=<MB>]` after a
// build (`npx nx run @openlgsp/opendata-service:build`).
//
// PUT /opendata/datasets/:id/distributions/:name streams the body through the CSV check and a SHA-256
// into the object store (a folder here). Each round generates a fresh CSV of N MB on the fly, streamed
// to a temporary file (never held in memory, untimed), then, in alternating order, uploads it through
// the service and reads the same file alone (a plain stream read + SHA-256 of the same bytes): the
// baseline is what any upload of these bytes costs at least. The service's memory (RSS and heap) is
// sampled before, during (peak) and after. 50 MB by default, 10 MB with --quick.
// Markdown on stdout, progress on stderr.
import { startTelemetry } from '@openlgsp/telemetry';
await startTelemetry({ serviceName: 'opendata' });

const os = await import('node:os');
const { createHash } = await import('node:crypto');
const { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } = await import('node:fs');
const { join } = await import('node:path');
const { Readable } = await import('node:stream');
const { pipeline } = await import('node:stream/promises');
const { performance } = await import('node:perf_hooks');
const { default: mongoose } = await import('mongoose');
const { log, heapMb, alternate, notes, fmtMs, rows, machineLine, printReport } =
  await import('./lib/measure.mjs');
const { parseOptions, startBenchService, stopBenchService, storeName, expectStatus, run } =
  await import('./lib/run.mjs');
const dist = new URL('../services/opendata/dist/', import.meta.url);
const { listEntry } = await import(new URL('test/catalogue-feed.js', dist).href);
const { schoolsMetadata } = await import(new URL('test/service.js', dist).href);

const { quick, N: MB } = parseOptions('opendata-upload-bench.mjs', { n: 50, quickN: 10, minN: 1 });
const BYTES = MB * 2 ** 20;
const ROUNDS = 2;
const dir = mkdtempSync(join(os.tmpdir(), 'lgsp-upload-bench-'));
const mb = (bytes) => bytes / 2 ** 20;

/** A CSV of at least `bytes` bytes, generated row by row (Vietnamese text, numbers), `round` in every row. */
async function* csvRows(bytes, round) {
  yield 'maThua,vung,dienTich,giaDat,ghiChu\n';
  let written = 0;
  for (let i = 0; written < bytes;) {
    const lines = [];
    for (let j = 0; j < 1000; j++, i++)
      lines.push(
        `T${round}-${i},V${i % 97},${(i % 5000) + 50}.5,${12_000_000 + (i % 9_000) * 1000},Thửa đất số ${i} khu ${i % 31}\n`,
      );
    const chunk = lines.join('');
    written += Buffer.byteLength(chunk);
    yield chunk;
  }
}

async function writeCsv(round) {
  const path = join(dir, `round-${round}.csv`);
  await pipeline(Readable.from(csvRows(BYTES, round)), createWriteStream(path));
  return path;
}

/** The service's memory, sampled while `body` runs: the peak RSS and heap used (no forced GC). */
async function sampled(body) {
  const peak = { rss: 0, heap: 0 };
  const sample = () => {
    const m = process.memoryUsage();
    peak.rss = Math.max(peak.rss, m.rss);
    peak.heap = Math.max(peak.heap, m.heapUsed);
  };
  sample();
  const timer = setInterval(sample, 20);
  try {
    return { result: await body(), peak };
  } finally {
    clearInterval(timer);
    sample();
  }
}

async function main() {
  const t0 = performance.now();
  const loadStart = os.loadavg()[0];
  log(`opendata upload bench: starting engines and the opendata service (${MB} MB${quick ? ', quick' : ''})`);
  const sut = await startBenchService({
    service: 'opendata',
    env: {
      STORAGE_DIR: join(dir, 'files'),
      OPENDATA_UPLOAD_MAX_BYTES: String(BYTES + 2 ** 20 * 8),
      OPENDATA_FRESHNESS_TICK_MS: '3600000',
    },
  });
  let conn;
  try {
    conn = await mongoose.createConnection(sut.engines.mongoUrl).asPromise();
    const owner = await sut.token('SGDDT', ['provider']);
    const entryId = await listEntry(sut.js, 'SGDDT');
    let drafted;
    for (let i = 0; i < 400; i++) {
      drafted = await sut.request('POST', '/opendata/datasets', {
        token: owner,
        body: { entryId, metadata: schoolsMetadata() },
      });
      if (drafted.status !== 404) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const { datasetId } = expectStatus(drafted, 201, 'draft');

    const files = [];
    for (let r = 0; r < ROUNDS; r++) files.push(await writeCsv(r));
    const size = statSync(files[0]).size;
    log(`${ROUNDS} CSV files of ${mb(size).toFixed(1)} MB written`);

    const rssBefore = process.memoryUsage().rss;
    const heapBefore = heapMb();
    const peaks = [];
    const uploads = [];
    const digests = [];
    const samples = await alternate(ROUNDS, {
      upload: async (r) => {
        const t = performance.now();
        const { result, peak } = await sampled(async () => {
          const answer = await fetch(
            `${sut.url}/opendata/datasets/${datasetId}/distributions/round-${r}.csv`,
            {
              method: 'PUT',
              headers: {
                authorization: `Bearer ${owner}`,
                'content-type': 'text/csv',
                'content-length': String(size),
              },
              body: Readable.toWeb(createReadStream(files[r])),
              duplex: 'half',
            },
          );
          const body = await answer.json();
          if (answer.status !== 200) throw new Error(`upload: ${answer.status} ${JSON.stringify(body)}`);
          return body;
        });
        const ms = performance.now() - t;
        peaks.push(peak);
        uploads.push({ ...result, ms });
        log(`upload ${r}: ${fmtMs(ms)} ms, ${result.check?.rows} rows`);
        return { ms, latencies: [ms], count: mb(size) };
      },
      read: async (r) => {
        const t = performance.now();
        const hash = createHash('sha256');
        for await (const chunk of createReadStream(files[r])) hash.update(chunk);
        const digest = hash.digest('hex');
        const ms = performance.now() - t;
        // Alternation may read before or after the upload of the same round: checked once both ran.
        digests[r] = digest;
        return { ms, latencies: [ms], count: mb(size) };
      },
    });
    for (let r = 0; r < ROUNDS; r++)
      if (uploads[r].sha256 !== digests[r])
        throw new Error(`round ${r}: the stored checksum differs from the file's`);
    const heapAfter = heapMb();
    const rssAfter = process.memoryUsage().rss;

    const label = `PUT …/distributions/:name, a ${mb(size).toFixed(0)} MB CSV (${uploads[0].check?.rows?.toLocaleString('en-US')} rows), checked and stored, vs a stream read + SHA-256 of the same file`;
    rows.push([
      `${label} — MB/s`,
      samples.upload.opsPerSec.toFixed(1),
      samples.read.opsPerSec.toFixed(1),
      `${(samples.read.opsPerSec / samples.upload.opsPerSec).toFixed(1)}×`,
    ]);
    rows.push([
      `the same — ms per file (worst of ${ROUNDS})`,
      fmtMs(samples.upload.pct(100)),
      fmtMs(samples.read.pct(100)),
      `${(samples.upload.pct(100) / samples.read.pct(100)).toFixed(1)}×`,
    ]);
    const peakRss = Math.max(...peaks.map((p) => p.rss));
    const peakHeap = Math.max(...peaks.map((p) => p.heap));
    notes.push(
      `Memory of the process (service, client and file reader): RSS ${mb(rssBefore).toFixed(0)} MB before, ${mb(peakRss).toFixed(0)} MB peak during the uploads (sampled every 20 ms), ${mb(rssAfter).toFixed(0)} MB after; heap used ${heapBefore.toFixed(1)} MB before (forced GC), ${mb(peakHeap).toFixed(1)} MB peak during (no GC forced), ${heapAfter.toFixed(1)} MB after (forced GC).`,
      `Each round's file is generated on the fly (row by row, streamed to a temporary file before the timed part) and differs from the others, so no upload is deduplicated by its SHA-256; the upload is sent streamed (Content-Length given), the baseline reads the same file in the same run.`,
      `The upload path: the HTTP body streamed into the folder store under an incoming key (SHA-256 and size limit on the way), read back through the CSV check (csv-parse, every record), copied to its content key, one guarded write of the dataset document, the incoming copy deleted: three passes over the bytes. The baseline does one read and the hash.`,
      ...(quick ? [`--quick: ${MB} MB files instead of 50 MB.`] : []),
    );
    printReport({
      title: `## OpenLGSP opendata upload benchmark — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${MB} MB${quick ? ' (--quick)' : ''}`,
      context: [
        machineLine({ nats: sut.nc.info?.version, store: await storeName(sut.engines, conn.db), loadStart }),
        'Client (fetch, streamed body), opendata service (in this process, telemetry on without an exporter, LOG_LEVEL=error) and engines share the machine; files in a local folder.',
      ],
      heapLine: `Heap used after a forced GC, MB: ${heapBefore.toFixed(1)} before, ${heapAfter.toFixed(1)} after (RSS ${mb(rssAfter).toFixed(0)} MB).`,
      startedAt: t0,
    });
  } finally {
    await conn?.close().catch(() => undefined);
    await stopBenchService(sut);
    rmSync(dir, { recursive: true, force: true });
  }
}
await run(main);
