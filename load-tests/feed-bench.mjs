#!/usr/bin/env node
// The open-data change feed under load: `node load-tests/feed-bench.mjs [--quick] [--n=<count>]
// [--only=1,3] [--clients=<count>] [--backlog=<count>]` after a build. The opendata service's feed modules run in this
// process on their own engines.
//
// 1. Publish → SSE client latency with --clients concurrent SSE clients (N×5: 1,000 by default) on one instance,
//    against a raw JetStream ordered consumer reading the same stream in the same run (goal: p99 ≤ 200 ms).
// 2. Memory: heap and RSS per 1,000 connected SSE clients (client and server sockets share this process).
// 3. Webhook backlog drain (--backlog changes, N×10) for one subscriber with a local receiver, against the
//    same POSTs sent back to back over one kept-alive connection and a raw JetStream read of the backlog
//    (goal: ≥ 1,000 events/s).
// Markdown on stdout, progress on stderr.
import { startTelemetry } from '@openlgsp/telemetry';
await startTelemetry({ serviceName: 'opendata' });

const os = await import('node:os');
const http = await import('node:http');
const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
const { join } = await import('node:path');
const { performance } = await import('node:perf_hooks');
const { setTimeout: sleep } = await import('node:timers/promises');
const { DeliverPolicy } = await import('@nats-io/jetstream');
const { default: mongoose } = await import('mongoose');
const { EventPublisher } = await import('@openlgsp/events');
const { hashApiKey } = await import('@openlgsp/auth');
const { log, heapMb, Sample, rows, notes, int, rateRow, latencyRow, machineLine, printReport } =
  await import('./lib/measure.mjs');
const { parseOptions, startBenchService, stopBenchService, storeName, run, traceparent } =
  await import('./lib/run.mjs');
const { datasetChange } = await import('../services/opendata/dist/src/feed/feed.fixtures.js');

const { quick, N, only, counts } = parseOptions('feed-bench.mjs', {
  n: 200,
  only: [1, 3],
  quickN: 40,
  minN: 10,
  counts: ['clients', 'backlog'],
});
const sizes = {
  /** concurrent SSE clients */
  clients: counts.clients ?? N * 5,
  /** changes published for the latency measurement, one at a time */
  changes: quick ? 20 : 50,
  /** changes in the webhook backlog */
  backlog: counts.backlog ?? N * 10,
};

const API_KEY = 'feed-bench-key';

async function main() {
  const t0 = performance.now();
  const loadStart = os.loadavg()[0];
  const keysDir = mkdtempSync(join(os.tmpdir(), 'feed-bench-'));
  const keysFile = join(keysDir, 'api-keys.json');
  writeFileSync(
    keysFile,
    JSON.stringify([
      { id: 'bench', sha256: hashApiKey(API_KEY), roles: ['public-app'], rateLimitPerMinute: 100_000 },
    ]),
  );
  log(
    `feed bench: ${sizes.clients} SSE clients, ${sizes.changes} changes, backlog ${sizes.backlog}${quick ? ' (quick)' : ''}`,
  );
  const sut = await startBenchService({
    service: 'opendata',
    appModule: async () => (await import('../services/opendata/dist/test/feed-app.module.js')).FeedAppModule,
    env: {
      API_KEYS_FILE: keysFile,
      OUTBOUND_ALLOW_LIST: '127.0.0.1',
      WEBHOOK_WORKER: 'inline',
      WEBHOOK_IDLE_WAIT_MS: '1000',
      FEED_HEARTBEAT_MS: '15000',
      // Every client of the bench connects from 127.0.0.1: the per-address cap would refuse all but 20.
      FEED_MAX_CLIENTS_PER_ADDRESS: String(sizes.clients),
    },
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  let conn;
  try {
    conn = await mongoose.createConnection(sut.engines.mongoUrl).asPromise();
    const publisher = new EventPublisher(sut.js, 'opendata');
    const url = new URL(sut.url);

    let heapBefore = heapMb();
    let heapClients = heapBefore;
    if (only.has(1)) {
      // --- 1 and 2: many SSE clients and one raw consumer -----------------------------------------
      heapBefore = heapMb();
      const rssBefore = process.memoryUsage().rss / 2 ** 20;
      const arrivals = []; // [position, time] per client per change
      const requests = [];
      let connected = 0;
      const positionFrame = /(?:^|\n)id: (\d+)\nevent: vn\./g;
      for (let i = 0; i < sizes.clients; i++) {
        requests.push(
          new Promise((resolve, reject) => {
            const req = http.get(
              { host: url.hostname, port: url.port, path: '/opendata/feed', agent },
              (res) => {
                if (res.statusCode !== 200) return reject(new Error(`SSE: ${res.statusCode}`));
                connected++;
                res.setEncoding('utf8');
                let rest = '';
                res.on('data', (chunk) => {
                  const at = performance.now();
                  const text = rest + chunk;
                  const cut = text.lastIndexOf('\n\n');
                  rest = cut < 0 ? text : text.slice(cut + 2);
                  for (const m of (cut < 0 ? '' : text.slice(0, cut)).matchAll(positionFrame))
                    arrivals.push([Number(m[1]), at]);
                });
                resolve(req);
              },
            );
            req.on('error', reject);
          }),
        );
        if (i % 100 === 99) await Promise.all(requests.slice(i - 99));
      }
      await Promise.all(requests);
      await sleep(500);
      heapClients = heapMb();
      const rssClients = process.memoryUsage().rss / 2 ** 20;
      log(`${connected} SSE clients connected`);

      const rawArrivals = new Map();
      const start = (await (await sut.js.jetstreamManager()).streams.info('OPENDATA')).state.last_seq;
      const raw = await sut.js.consumers.get('OPENDATA', {
        deliver_policy: DeliverPolicy.StartSequence,
        opt_start_seq: start + 1,
      });
      const rawMessages = await raw.consume();
      void (async () => {
        for await (const m of rawMessages) rawArrivals.set(m.seq, performance.now());
      })();

      const sentAt = new Map();
      for (let i = 0; i < sizes.changes; i++) {
        const t = performance.now();
        const ack = await publisher.publish({ ...datasetChange('updated'), traceparent: traceparent() });
        sentAt.set(ack.seq, t);
        await sleep(100); // one change at a time: latency, not throughput
      }
      const last = Math.max(...sentAt.keys());
      for (
        let i = 0;
        i < 200 && (arrivals.length < sizes.changes * sizes.clients || rawArrivals.size < sizes.changes);
        i++
      )
        await sleep(100);
      await rawMessages.close();
      const sse = new Sample().add({
        ms: 1,
        latencies: arrivals.filter(([p]) => sentAt.has(p)).map(([p, at]) => at - sentAt.get(p)),
      });
      const base = new Sample().add({
        ms: 1,
        latencies: [...rawArrivals].filter(([p]) => sentAt.has(p)).map(([p, at]) => at - sentAt.get(p)),
      });
      latencyRow(
        `1 · publish → SSE client, ${int(connected)} clients (${int(sse.count)} deliveries) vs a raw JetStream consumer`,
        sse,
        base,
      );
      rows.push([
        '1 · SSE deliveries received ÷ expected',
        `${int(sse.count)} / ${int(sizes.changes * sizes.clients)}`,
        `${int(base.count)} / ${int(sizes.changes)}`,
        '—',
      ]);
      const per1000 = 1000 / Math.max(1, connected);
      rows.push([
        '2 · memory per 1,000 connected SSE clients (client and server in this process) — heap / RSS MB',
        `${((heapClients - heapBefore) * per1000).toFixed(1)} / ${((rssClients - rssBefore) * per1000).toFixed(0)}`,
        '—',
        '—',
      ]);
      agent.destroy();
      log(`latency measured up to position ${last}`);
    }

    if (only.has(3)) {
      // --- 3: webhook backlog drain ----------------------------------------------------------------
      // One receiver for both sides: the worker's deliveries first, then the raw POST loop.
      const order = []; // webhook-id of each delivery, in arrival order
      let firstAt;
      let lastAt;
      let drained;
      let counting = true;
      let rawReceived = 0;
      const receiver = http.createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          res.writeHead(204).end();
          if (!counting) return void rawReceived++;
          lastAt = performance.now();
          firstAt ??= lastAt;
          order.push(req.headers['webhook-id']);
          if (order.length === sizes.backlog) drained?.();
        });
      });
      receiver.keepAliveTimeout = 60_000;
      await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
      const hook = `http://127.0.0.1:${receiver.address().port}/hook`;
      const jsm = await sut.js.jetstreamManager();
      const from = (await jsm.streams.info('OPENDATA')).state.last_seq;
      const events = [];
      for (let i = 0; i < sizes.backlog; i += 100) {
        const part = Array.from({ length: Math.min(100, sizes.backlog - i) }, () => datasetChange('updated'));
        events.push(...part);
        await Promise.all(part.map((event) => publisher.publish(event)));
      }
      const stored = (await jsm.streams.info('OPENDATA')).state.last_seq;
      if (stored - from !== sizes.backlog) throw new Error(`backlog: ${stored - from} stored`);

      // Baseline 1: the backlog read by a raw ordered JetStream consumer (no HTTP, no store).
      const tr = performance.now();
      const reader = await sut.js.consumers.get('OPENDATA', {
        deliver_policy: DeliverPolicy.StartSequence,
        opt_start_seq: from + 1,
      });
      let read = 0;
      for await (const m of await reader.fetch({ max_messages: sizes.backlog, expires: 30_000 })) {
        read++;
        if (m.seq >= stored) break;
      }
      const readMs = performance.now() - tr;

      const done = new Promise((r) => (drained = r));
      const t = performance.now();
      const created = await sut.request('POST', '/opendata/subscriptions', {
        headers: { 'x-api-key': API_KEY },
        body: { url: hook, from },
      });
      if (created.status !== 201)
        throw new Error(`subscribe: ${created.status} ${JSON.stringify(created.body)}`);
      const giveUp = new AbortController();
      await Promise.race([done, sleep(600_000, undefined, { signal: giveUp.signal }).catch(() => undefined)]);
      giveUp.abort();
      const drainMs = (lastAt ?? performance.now()) - t;
      const steadyMs = (lastAt ?? 0) - (firstAt ?? 0);
      const wanted = events.map((e) => e.id);
      const inOrder = order.length === wanted.length && order.every((id, i) => id === wanted[i]);

      // Baseline 2: the same bodies POSTed back to back to the same receiver over one kept-alive
      // connection (undici's fetch), unsigned, nothing read from the stream and nothing saved.
      counting = false;
      const tb = performance.now();
      for (const event of events)
        await (
          await fetch(hook, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(event.data),
          })
        ).arrayBuffer();
      const baseMs = performance.now() - tb;
      receiver.close();
      receiver.closeAllConnections();
      const posts = (rawReceived / baseMs) * 1000;
      rateRow(
        `3 · webhook backlog drain, one subscriber, ${int(sizes.backlog)} changes, first → last delivery vs the same POSTs back to back`,
        ((order.length - 1) / steadyMs) * 1000,
        posts,
        'events/s',
      );
      rateRow(
        '3 · the same drain from subscribing (the worker picks the subscription up) vs the same POSTs',
        (order.length / drainMs) * 1000,
        posts,
        'events/s',
      );
      rateRow(
        '3 · the backlog read by a raw ordered JetStream consumer (baseline only)',
        NaN,
        (read / readMs) * 1000,
        'events/s',
      );
      rows.push([
        '3 · webhook deliveries received ÷ expected (in order, once each)',
        `${int(order.length)} / ${int(sizes.backlog)}${inOrder ? '' : ' (out of order or duplicated)'}`,
        `${int(rawReceived)} / ${int(sizes.backlog)}`,
        '—',
      ]);
    }
    notes.push(
      'SSE latency is from just before publish() to the frame arriving at each client, all clients on one instance (one JetStream subscription fanned out); the raw consumer is an ordered JetStream consumer in the same process. Changes are published one at a time, 100 ms apart.',
      'The webhook drain delivers one change per POST, in order, each signed and through the SSRF guard, to a local receiver answering 204; the worker reads the stream with one ordered consumer per subscription and saves the cursor and log in the background every 100 changes or 250 ms. "From subscribing" adds the API call and the worker noticing the subscription.',
    );

    printReport({
      title: `## OpenLGSP change-feed benchmark — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, N=${N}${quick ? ' (--quick)' : ''}`,
      context: [
        machineLine({ nats: sut.nc.info?.version, store: await storeName(sut.engines, conn.db), loadStart }),
        'Clients, receiver, opendata feed modules (in this process, LOG_LEVEL=error) and engines share the machine.',
      ],
      heapLine: `Heap used after a forced GC, MB: ${heapBefore.toFixed(1)} before the SSE clients, ${heapClients.toFixed(1)} with them, ${heapMb().toFixed(1)} at the end (RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB).`,
      startedAt: t0,
    });
  } finally {
    agent.destroy();
    await conn?.close().catch(() => undefined);
    await stopBenchService(sut);
    rmSync(keysDir, { recursive: true, force: true });
  }
}

await run(main);
