#!/usr/bin/env node
// Every service as `npm start` runs it — its own process, its own database, fresh engines — measured from
// outside: each one's resident memory idle and after load (VmRSS from /proc/<pid>/status, and its peak,
// VmHWM), and HTTP writes with 16 in flight (autocannon: POST /catalogue/error-reports) beside the same
// service's liveness endpoint. `npm run bench` runs it with the others, or
// `node load-tests/platform-bench.mjs [--quick] [--n=<count>]` after a build. Markdown on stdout,
// progress on stderr.
import os from 'node:os';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_AUDIENCE, DEFAULT_ISSUER, issueToken, localKeys } from '@openlgsp/auth';
import { startEngines } from '@openlgsp/testing';
import { log, int, rows, notes, rateRow, latencyRow, printReport } from './lib/measure.mjs';
import { httpLoad, combine } from './lib/http-load.mjs';
import { proposedContent } from './lib/fixtures.mjs';
import { parseOptions, run } from './lib/run.mjs';

const { quick, N } = parseOptions('platform-bench.mjs', { n: 200, quickN: 40, minN: 10 });
const sizes = { rounds: 2, writes: 10 * N, concurrency: 16, idleSettleMs: quick ? 3_000 : 10_000 };
const root = new URL('../', import.meta.url).pathname;
const IDLE_GOAL_MB = 120;

/** Resident and peak resident memory of a process, MB. */
function memoryOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

async function waitReady(url, service, child) {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`${service} exited (${child.exitCode}) before it was ready`);
    const ok = await fetch(`${url}/${service}/health/ready`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`${service} was not ready within 60 s`);
}

async function main() {
  const t0 = performance.now();
  const loadStart = os.loadavg()[0];
  const dir = mkdtempSync(join(os.tmpdir(), 'lgsp-platform-bench-'));
  log(
    `platform bench: starting engines and every service, each its own process (N=${N}${quick ? ', quick' : ''})`,
  );
  const engines = await startEngines();
  const children = new Map();
  try {
    const keys = await localKeys(join(dir, 'keys'));
    const token = (agency, roles) =>
      issueToken({ sub: `${agency.toLowerCase()}-bench`, agency, roles, ttl: '2h' }, keys.privateKey, {
        issuer: DEFAULT_ISSUER,
        audience: DEFAULT_AUDIENCE,
      });
    const services = readdirSync(join(root, 'services')).filter((s) =>
      existsSync(join(root, 'services', s, 'dist/src/main.js')),
    );
    let port = 20_000 + Math.floor(Math.random() * 20_000);
    for (const service of services) {
      const mongo = new URL(engines.mongoUrl);
      mongo.pathname = `/bench_${service}`;
      const url = `http://127.0.0.1:${++port}`;
      const child = spawn(process.execPath, [join(root, 'services', service, 'dist/src/main.js')], {
        env: {
          ...process.env,
          PORT: String(port),
          HOST: '127.0.0.1',
          NATS_URL: engines.natsUrl,
          MONGO_URL: mongo.toString(),
          AUTH_PUBLIC_KEY_FILE: keys.publicKeyPath,
          OTEL_SERVICE_NAME: service,
          LOG_LEVEL: 'error',
          ...(service === 'opendata'
            ? { STORAGE_DIR: join(dir, 'opendata-files'), OPENDATA_PUBLIC_BASE_URL: `${url}/opendata` }
            : {}),
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      children.set(service, { child, url });
    }
    await Promise.all([...children].map(([s, { child, url }]) => waitReady(url, s, child)));
    log(`all ${children.size} services ready; letting them settle ${sizes.idleSettleMs / 1000} s`);
    await sleep(sizes.idleSettleMs);
    const idle = new Map([...children].map(([s, { child }]) => [s, memoryOf(child.pid)]));
    // What the resident memory is made of, as each service's /metrics tells it (prom-client's defaults).
    const parts = new Map();
    for (const [service, { url }] of children) {
      const text = await fetch(`${url}/${service}/metrics`).then((r) => r.text());
      const mb = (name) =>
        Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)`, 'm').exec(text)?.[1] ?? NaN) / 2 ** 20;
      parts.set(service, {
        heapUsed: mb('nodejs_heap_size_used_bytes'),
        heapTotal: mb('nodejs_heap_size_total_bytes'),
        external: mb('nodejs_external_memory_bytes'),
      });
    }

    // A listed entry (propose → compile → decide), then error reports on it from another agency.
    const catalogue = children.get('catalogue').url;
    const call = async (method, path, tok, body) => {
      const r = await fetch(`${catalogue}${path}`, {
        method,
        headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
      return r.status === 204 ? undefined : r.json();
    };
    const { entryId, proposalId } = await call(
      'POST',
      '/catalogue/entries/proposals',
      await token('STNMT', ['provider']),
      { content: proposedContent('STNMT'), justification: 'Phục vụ thủ tục đất đai liên thông' },
    );
    const step = `/catalogue/entries/${entryId}/proposals/${proposalId}`;
    await call('POST', `${step}/compilation`, await token('STTTT', ['dic']), { note: 'đủ hồ sơ' });
    await call('POST', `${step}/decision`, await token('UBND', ['committee']), {
      outcome: 'approved',
      decisionRef: '12/QĐ-UBND',
    });
    const reporter = await token('SXD', ['consumer']);
    const per = Math.ceil(sizes.writes / sizes.rounds);
    const write = () =>
      httpLoad({
        url: `${catalogue}/catalogue/error-reports`,
        method: 'POST',
        headers: { authorization: `Bearer ${reporter}` },
        body: {
          entryId,
          field: 'area',
          description: 'Diện tích thửa đất khác với giấy chứng nhận.',
          recordRef: 'parcel {{uuid}}',
        },
        connections: sizes.concurrency,
        amount: per,
      });
    const live = () =>
      httpLoad({ url: `${catalogue}/catalogue/health/live`, connections: sizes.concurrency, amount: per });
    log('warming up');
    await write();
    await live();
    log(
      `measuring ${int(per * sizes.rounds)} writes per side (autocannon, ${sizes.concurrency} connections)`,
    );
    const runs = { write: [], live: [] };
    for (let r = 0; r < sizes.rounds; r++)
      for (const side of r % 2 === 0 ? ['write', 'live'] : ['live', 'write'])
        runs[side].push(await (side === 'write' ? write() : live()));
    const writes = combine(runs.write);
    const lives = combine(runs.live);
    const label = `POST /catalogue/error-reports, ${sizes.concurrency} in flight (autocannon), fresh platform, vs GET /catalogue/health/live`;
    rateRow(label, writes.opsPerSec, lives.opsPerSec, 'req/s');
    latencyRow(label, writes, lives);
    // The reports' events reach audit, sharing and opendata too: let them catch up before reading memory.
    await sleep(sizes.idleSettleMs);
    const loaded = new Map([...children].map(([s, { child }]) => [s, memoryOf(child.pid)]));

    for (const service of children.keys()) {
      const i = idle.get(service);
      const l = loaded.get(service);
      rows.push([
        `${service}: resident memory idle / after the load (peak) — MB`,
        `${i.rss.toFixed(0)} / ${l.rss.toFixed(0)} (${l.peak.toFixed(0)})`,
        `goal ≤ ${IDLE_GOAL_MB} idle`,
        i.rss <= IDLE_GOAL_MB ? 'met' : `${(i.rss / IDLE_GOAL_MB).toFixed(1)}× the goal`,
      ]);
    }
    notes.push(
      `Idle, by /metrics — V8 heap used / heap total / external, MB: ${[...parts]
        .map(
          ([svc, p]) =>
            `${svc} ${p.heapUsed.toFixed(0)} / ${p.heapTotal.toFixed(0)} / ${p.external.toFixed(0)}`,
        )
        .join(
          '; ',
        )}. The rest of the resident memory is V8's code and Node's own (an idle bare node process holds ~42 MB here).`,
      'Each service runs as `npm start` runs it: `node services/<name>/dist/src/main.js`, its own database on the shared FerretDB, LOG_LEVEL=error, telemetry on without an exporter. Idle: after every service answered /health/ready and a settling pause. After the load: once the writes below (whose events audit, sharing and opendata follow) were done and a settling pause; the peak is VmHWM.',
      `The writes: each POST opens an error report about one listed entry (validation, authorisation, the entry read, the insert with its outbox, the event published) and answers 201; autocannon in its own process, ${sizes.concurrency} connections, rounds alternated with the liveness endpoint of the same process. load-tests/k6/error-reports.js is the k6 counterpart.`,
    );
    printReport({
      title: `## OpenLGSP platform benchmark — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, N=${N}${quick ? ' (--quick)' : ''}`,
      context: [
        `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'cpu'} (nproc ${os.availableParallelism()}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB; Node ${process.version}. Load average (1 min): ${loadStart.toFixed(2)} at the start, ${os.loadavg()[0].toFixed(2)} at the end.`,
        `Every service in its own process (${[...children.keys()].join(', ')}), engines and autocannon share the machine.`,
      ],
      heapLine: '',
      startedAt: t0,
    });
  } finally {
    for (const { child } of children.values()) child.kill('SIGTERM');
    await Promise.all(
      [...children.values()].map(({ child }) => child.exitCode ?? new Promise((r) => child.once('exit', r))),
    );
    await engines.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await run(main);
