#!/usr/bin/env node
// Every service as `npm start` runs it — its own process, its own database, fresh engines — measured from
// outside: each one's resident memory idle and after load (VmRSS from /proc/<pid>/status, and its peak,
// VmHWM), beside, in the same run, the same service idle without the V8 flags it starts with and a bare
// node process; and HTTP writes with 16 in flight (autocannon: POST /catalogue/error-reports) beside the
// same service's liveness endpoint. `npm run bench` runs it with the others, or
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
import { connect } from '@nats-io/transport-node';
import mongoose from 'mongoose';
import {
  log,
  int,
  rows,
  notes,
  rateRow,
  latencyRow,
  result,
  machineLine,
  printReport,
} from './lib/measure.mjs';
import { httpLoad, combine } from './lib/http-load.mjs';
import { proposedContent } from './lib/fixtures.mjs';
import { parseOptions, run, storeName } from './lib/run.mjs';
import { goalOf } from './lib/goals.mjs';
import { SERVICE_NODE_FLAGS, serviceCommand } from '../deploy/local/service-command.mjs';

const { quick, N } = parseOptions('platform-bench.mjs', { n: 200, quickN: 40, minN: 10 });
const sizes = { rounds: 2, writes: 10 * N, concurrency: 16, idleSettleMs: quick ? 3_000 : 10_000 };
const root = new URL('../', import.meta.url).pathname;
const IDLE_GOAL_MB = goalOf('rss-idle').target;

/** The image must start services with the flags `npm start` uses, or this bench measures another thing. */
function checkImageFlags() {
  const dockerfile = readFileSync(join(root, 'deploy/docker/service.Dockerfile'), 'utf8');
  const options = /NODE_OPTIONS="?([^"\n]*)/.exec(dockerfile)?.[1] ?? '';
  const missing = SERVICE_NODE_FLAGS.filter((f) => !options.split(/\s+/).includes(f));
  if (missing.length)
    throw new Error(`deploy/docker/service.Dockerfile's NODE_OPTIONS lacks ${missing.join(' ')}`);
}

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

/** nats-server's version and the store's name, as the other runners print them. */
async function engineVersions(engines) {
  const nc = await connect({ servers: engines.natsUrl });
  const conn = await mongoose.createConnection(engines.mongoUrl).asPromise();
  try {
    return { nats: nc.info?.version, store: await storeName(engines, conn.db) };
  } finally {
    await nc.close();
    await conn.close();
  }
}

async function stopAll(processes) {
  const running = processes.filter(({ child }) => child.exitCode === null && child.signalCode === null);
  for (const { child } of running) child.kill('SIGTERM');
  await Promise.all(running.map(({ child }) => new Promise((r) => child.once('exit', r))));
}

async function main() {
  const t0 = performance.now();
  const loadStart = os.loadavg()[0];
  const dir = mkdtempSync(join(os.tmpdir(), 'lgsp-platform-bench-'));
  log(
    `platform bench: starting engines and every service, each its own process (N=${N}${quick ? ', quick' : ''})`,
  );
  checkImageFlags();
  const engines = await startEngines();
  const children = new Map();
  const plain = new Map(); // the same services without SERVICE_NODE_FLAGS (all but the catalogue stopped once idle)
  let bare;
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
    const start = (service, flags, into) => {
      const mongo = new URL(engines.mongoUrl);
      mongo.pathname = `/bench_${service}${into === plain ? '_plain' : ''}`;
      const url = `http://127.0.0.1:${++port}`;
      const [command, args] = serviceCommand(root, service, flags);
      const child = spawn(command, args, {
        env: {
          ...process.env,
          PORT: String(port),
          HOST: '127.0.0.1',
          NATS_URL: engines.natsUrl,
          MONGO_URL: mongo.toString(),
          AUTH_PUBLIC_KEY_FILE: keys.publicKeyPath,
          OTEL_SERVICE_NAME: service,
          LOG_LEVEL: 'error',
          // The liveness calls come from one address without credentials, thousands a minute: above the
          // anonymous per-address limit they would be answered 429.
          RATE_LIMIT_ANONYMOUS_PER_MINUTE: '1000000',
          ...(service === 'opendata'
            ? {
                STORAGE_DIR: join(dir, `opendata-files${into === plain ? '-plain' : ''}`),
                OPENDATA_PUBLIC_BASE_URL: `${url}/opendata`,
              }
            : {}),
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      into.set(service, { child, url });
    };
    for (const service of services) {
      start(service, SERVICE_NODE_FLAGS, children);
      start(service, [], plain);
    }
    // The floor: node itself, idle, with the same flags.
    bare = spawn(process.execPath, [...SERVICE_NODE_FLAGS, '-e', 'setInterval(() => {}, 60_000)'], {
      stdio: 'ignore',
    });
    for (const group of [children, plain])
      await Promise.all([...group].map(([s, { child, url }]) => waitReady(url, s, child)));
    log(
      `all ${children.size} services ready, twice (with and without ${SERVICE_NODE_FLAGS.join(' ')}); letting them settle ${sizes.idleSettleMs / 1000} s`,
    );
    await sleep(sizes.idleSettleMs);
    const idle = new Map([...children].map(([s, { child }]) => [s, memoryOf(child.pid)]));
    const idlePlain = new Map([...plain].map(([s, { child }]) => [s, memoryOf(child.pid)]));
    const idleBare = memoryOf(bare.pid);
    // Only one of each service follows the load's events (two would share its durable consumers); the
    // catalogue without the flags stays, to take the same writes: what the flags cost under load.
    await stopAll([...[...plain].filter(([s]) => s !== 'catalogue').map(([, p]) => p), { child: bare }]);
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
    const listedEntry = async (base) => {
      const call = async (method, path, tok, body) => {
        const r = await fetch(`${base}${path}`, {
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
      return entryId;
    };
    const entryId = await listedEntry(catalogue);
    const plainCatalogue = plain.get('catalogue').url;
    const plainEntryId = await listedEntry(plainCatalogue);
    const reporter = await token('SXD', ['consumer']);
    const per = Math.ceil(sizes.writes / sizes.rounds);
    const write = (base = catalogue, entry = entryId) =>
      httpLoad({
        url: `${base}/catalogue/error-reports`,
        method: 'POST',
        headers: { authorization: `Bearer ${reporter}` },
        body: {
          entryId: entry,
          field: 'area',
          description: 'Diện tích thửa đất khác với giấy chứng nhận.',
          recordRef: 'parcel {{uuid}}',
        },
        connections: sizes.concurrency,
        amount: per,
      });
    const live = () =>
      httpLoad({ url: `${catalogue}/catalogue/health/live`, connections: sizes.concurrency, amount: per });
    const writePlain = () => write(plainCatalogue, plainEntryId);
    log('warming up');
    await write();
    await live();
    await writePlain();
    log(
      `measuring ${int(per * sizes.rounds)} writes per side (autocannon, ${sizes.concurrency} connections)`,
    );
    const sides = { write, live, writePlain };
    const runs = { write: [], live: [], writePlain: [] };
    for (let r = 0; r < sizes.rounds; r++)
      for (const side of r % 2 === 0 ? Object.keys(sides) : Object.keys(sides).reverse())
        runs[side].push(await sides[side]());
    const writes = combine(runs.write);
    const lives = combine(runs.live);
    const plainWrites = combine(runs.writePlain);
    const flags = SERVICE_NODE_FLAGS.join(' ');
    const label = `POST /catalogue/error-reports, ${sizes.concurrency} in flight (autocannon), fresh platform, vs GET /catalogue/health/live`;
    rateRow(label, writes.opsPerSec, lives.opsPerSec, 'req/s', 'platform.write');
    latencyRow(label, writes, lives, [50, 99], 'platform.write');
    const flagsLabel = `the same POST, catalogue as \`npm start\` runs it vs without ${flags}`;
    rateRow(flagsLabel, writes.opsPerSec, plainWrites.opsPerSec, 'req/s', 'platform.write.flags');
    latencyRow(flagsLabel, writes, plainWrites, [50, 99], 'platform.write.flags');
    // The reports' events reach audit, sharing and opendata too: let them catch up before reading memory.
    await sleep(sizes.idleSettleMs);
    const loaded = new Map([...children].map(([s, { child }]) => [s, memoryOf(child.pid)]));
    const plainLoaded = memoryOf(plain.get('catalogue').child.pid);

    for (const service of children.keys()) {
      const i = idle.get(service);
      const p = idlePlain.get(service);
      const l = loaded.get(service);
      const label = `${service}: resident memory idle / after the load (peak), vs idle without ${flags}`;
      rows.push([
        `${label} — MB`,
        `${i.rss.toFixed(0)} / ${l.rss.toFixed(0)} (${l.peak.toFixed(0)})`,
        p.rss.toFixed(0),
        `${(i.rss / p.rss).toFixed(2)}×`,
      ]);
      result({
        key: `platform.rss.${service}.idle`,
        benchmark: `${service}: resident memory idle, vs idle without ${flags}`,
        unit: 'MB',
        ours: i.rss,
        baseline: p.rss,
        ratio: i.rss / p.rss,
      });
      result({
        key: `platform.rss.${service}.loaded`,
        benchmark: `${service}: resident memory after the load, and its peak`,
        unit: 'MB',
        ours: l.rss,
        baseline: l.peak,
      });
    }
    rows.push([
      `catalogue after the same load (peak), vs without ${flags} — MB`,
      `${loaded.get('catalogue').rss.toFixed(0)} (${loaded.get('catalogue').peak.toFixed(0)})`,
      `${plainLoaded.rss.toFixed(0)} (${plainLoaded.peak.toFixed(0)})`,
      `${(loaded.get('catalogue').rss / plainLoaded.rss).toFixed(2)}×`,
    ]);
    rows.push(['a bare node process, idle — MB', idleBare.rss.toFixed(0), '—', '—']);
    result({
      key: 'platform.rss.bare',
      benchmark: 'a bare node process, idle',
      unit: 'MB',
      ours: idleBare.rss,
    });
    notes.push(
      `Idle, by /metrics — V8 heap used / heap total / external, MB: ${[...parts]
        .map(
          ([svc, p]) =>
            `${svc} ${p.heapUsed.toFixed(0)} / ${p.heapTotal.toFixed(0)} / ${p.external.toFixed(0)}`,
        )
        .join(
          '; ',
        )}. The rest of the resident memory is V8's code and Node's own (a bare node process with the same flags: ${idleBare.rss.toFixed(0)} MB idle in this run).`,
      `Idle memory is measured twice in the same run, each service started as \`npm start\` starts it (node ${flags}, deploy/local/service-command.mjs; the image sets the same in NODE_OPTIONS) and once more without the flags, at the same time on the same engines; the copies without the flags are stopped before the load, but for the catalogue's, which takes the same writes in alternating rounds (its events reach the other services too). The goal (≤ ${IDLE_GOAL_MB} MB idle) is in the summary's goals table.`,
      `Each service runs as \`npm start\` runs it: \`node ${flags} services/<name>/dist/src/main.js\`, its own database on the shared FerretDB, LOG_LEVEL=error, telemetry on without an exporter. Idle: after every service answered /health/ready and a settling pause. After the load: once the writes below (whose events audit, sharing and opendata follow) were done and a settling pause; the peak is VmHWM.`,
      `The writes: each POST opens an error report about one listed entry (validation, authorisation, the entry read, the insert with its outbox, the event published) and answers 201; autocannon in its own process, ${sizes.concurrency} connections, rounds alternated with the liveness endpoint of the same process. load-tests/k6/error-reports.js is the k6 counterpart.`,
    );
    printReport({
      title: `## OpenLGSP platform benchmark — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, N=${N}${quick ? ' (--quick)' : ''}`,
      context: [
        machineLine({ ...(await engineVersions(engines)), loadStart }),
        `Every service in its own process (${[...children.keys()].join(', ')}), engines and autocannon share the machine.`,
      ],
      heapLine: '',
      startedAt: t0,
    });
  } finally {
    await stopAll([...children.values(), ...plain.values(), ...(bare ? [{ child: bare }] : [])]);
    await engines.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await run(main);
