#!/usr/bin/env node
// The incidents service's alert intake under load: `npm run bench` runs it after catalogue-bench.mjs, or
// `node load-tests/incidents-bench.mjs [--quick] [--n=<count>]` after a build.
//
// A monitoring system publishes alerts on lgsp.intake.<agency>.incidents.alert.raised; nine in ten
// repeat an indicator already reported (they join its incident), one in ten is new (it opens one).
// Measured from the publish to the incident's event on the INCIDENTS stream (incident.reported or
// incident.joined, found by the alert's sourceRef), with 16 alerts in flight, beside a same-run
// baseline: a bare JetStream consumer on the INTAKE stream that acks each alert and publishes it
// onward to the INCIDENTS stream unchanged — the messaging floor, without dedup, store or rules.
// Markdown on stdout, progress on stderr.
import { startTelemetry } from '@openlgsp/telemetry';
await startTelemetry({ serviceName: 'incidents' });

const os = await import('node:os');
const { randomUUID } = await import('node:crypto');
const { performance } = await import('node:perf_hooks');
const { setTimeout: sleep } = await import('node:timers/promises');
const { default: mongoose } = await import('mongoose');
const { jetstreamManager, AckPolicy, DeliverPolicy } = await import('@nats-io/jetstream');
const { createEvent, toNatsMessage, fromNatsMessage, DEFAULT_CONCURRENCY } = await import('@openlgsp/events');
const { log, heapMb, runOps, alternate, notes, int, rateRow, latencyRow, machineLine, printReport } =
  await import('./lib/measure.mjs');
const { parseOptions, startBenchService, stopBenchService, storeName, run } = await import('./lib/run.mjs');

const { quick, N } = parseOptions('incidents-bench.mjs', { n: 200, quickN: 40, minN: 10 });
const sizes = {
  rounds: 2,
  /** alerts per side and round */
  alerts: 5 * N,
  /** one alert in `dupEvery` opens an incident; the others join one */
  dupEvery: 10,
  concurrency: 16,
  /** alerts per side and round at a steady rate, and the rate (alerts/s) */
  paced: 5 * N,
  rate: 200,
};
const AGENCY = 'SNN';
const SOURCE = '/agencies/SNN/edr';

async function main() {
  const t0 = performance.now();
  const loadStart = os.loadavg()[0];
  log(`incidents bench: starting engines and the incidents service (N=${N}${quick ? ', quick' : ''})`);
  // EVENT_CONCURRENCY=1 measures intake one event at a time, as before parallel intake.
  const concurrency = process.env.EVENT_CONCURRENCY;
  const sut = await startBenchService({
    service: 'incidents',
    env: concurrency ? { EVENT_CONCURRENCY: concurrency } : {},
  });
  let conn;
  let stopWatch;
  let stopBare;
  try {
    conn = await mongoose.createConnection(sut.engines.mongoUrl).asPromise();
    const db = conn.db;
    const js = sut.js;
    const jsm = await jetstreamManager(sut.nc);

    // Whatever reaches the INCIDENTS stream, by the sourceRef it carries: the waiting publisher resolves.
    const waiting = new Map();
    const watcher = await js.consumers.get('INCIDENTS', { deliver_policy: DeliverPolicy.New });
    const messages = await watcher.consume();
    stopWatch = () => messages.close();
    void (async () => {
      for await (const m of messages) {
        const ref = fromNatsMessage(m.headers, m.data).data?.sourceRef;
        const resolve = ref && waiting.get(ref);
        if (resolve) {
          waiting.delete(ref);
          resolve();
        }
      }
    })();

    // The baseline: a bare durable consumer of INTAKE that acks each alert and publishes it onward.
    await jsm.consumers.add('INTAKE', {
      durable_name: 'bench-bare',
      filter_subject: 'lgsp.intake.BENCH.bare.>',
      ack_policy: AckPolicy.Explicit,
    });
    const bare = await (await js.consumers.get('INTAKE', 'bench-bare')).consume();
    stopBare = () => bare.close();
    void (async () => {
      for await (const m of bare) {
        await js.publish('lgsp.incidents.bench.echo', m.data, { headers: m.headers, msgID: randomUUID() });
        m.ack();
      }
    })();

    const runId = randomUUID().slice(0, 8);
    const alertOf = (side, round, i) => {
      const group = Math.floor(i / sizes.dupEvery);
      return createEvent(
        'vn.openlgsp.incidents.alert.raised.v1',
        {
          sourceRef: `${runId}-${side}-${round}-${i}`,
          category: 'malicious-code/infected-system',
          severity: 'medium',
          detectedAt: new Date(Date.now() - 60_000).toISOString(),
          description: 'EDR: mã độc trên máy trạm.',
          observables: [
            {
              type: 'file-hash',
              value: (runId + side + round + group)
                .padEnd(64, '0')
                .slice(0, 64)
                .replace(/[^0-9a-f]/g, 'a'),
              tlp: 'GREEN',
            },
            { type: 'ip', value: `10.${round}.${Math.floor(group / 250)}.${group % 250}`, tlp: 'AMBER' },
          ],
          contact: { name: 'Phòng CNTT' },
        },
        // The alert's own id in the agency's system is its subject (its aggregate): alerts are handled
        // in parallel, those about one alert in order.
        { source: SOURCE, agency: AGENCY, actor: 'snn-edr', subject: `${runId}-${side}-${round}-${i}` },
      );
    };
    const send = (subject, event) => {
      const arrived = new Promise((resolve) => waiting.set(event.data.sourceRef, resolve));
      const { headers, body } = toNatsMessage(event);
      return js.publish(subject, body, { headers, msgID: event.id }).then(() => arrived);
    };
    // Alerts of one round are sent in order of i, so each group's first alert (it opens) goes first.
    const side = (name, subject) => (round) =>
      runOps(sizes.alerts, sizes.concurrency, (i) => send(subject, alertOf(name, round, i)));

    log('warming up');
    await runOps(50, 8, (i) => send(`lgsp.intake.${AGENCY}.incidents.alert.raised`, alertOf('warm', 9, i)));
    await runOps(50, 8, (i) => send('lgsp.intake.BENCH.bare.alert', alertOf('warmbare', 9, i)));

    const heapStart = heapMb();
    log(`measuring ${int(sizes.alerts * sizes.rounds)} alerts per side`);
    const result = await alternate(sizes.rounds, {
      intake: side('intake', `lgsp.intake.${AGENCY}.incidents.alert.raised`),
      bare: side('bare', 'lgsp.intake.BENCH.bare.alert'),
    });
    const label = `alert intake with dedup (1 in ${sizes.dupEvery} opens), ${sizes.concurrency} in flight, vs a bare consumer`;
    rateRow(label, result.intake.opsPerSec, result.bare.opsPerSec, 'alerts/s');
    latencyRow(`${label}, publish → incident event`, result.intake, result.bare);

    // A burst: every alert published at once (64 publishes in flight), from the first publish until the
    // last one's incident event, beside the same burst through the bare consumer.
    const burst = (name, subject) => async (round) => {
      const t = performance.now();
      const r = await runOps(sizes.alerts, 64, (i) => send(subject, alertOf(name, round, i)));
      return { ms: performance.now() - t, latencies: r.latencies };
    };
    log(`a burst of ${int(sizes.alerts)} alerts per side and round`);
    const bursts = await alternate(sizes.rounds, {
      intake: (round) => burst('burst', `lgsp.intake.${AGENCY}.incidents.alert.raised`)(round + 10),
      bare: (round) => burst('burstbare', 'lgsp.intake.BENCH.bare.alert')(round + 10),
    });
    rateRow(
      `alert intake, a burst of ${int(sizes.alerts)} (64 publishes in flight), vs a bare consumer`,
      bursts.intake.opsPerSec,
      bursts.bare.opsPerSec,
      'alerts/s',
    );
    // Paced: a steady rate, each alert's publish → its incident event.
    const paced = (name, subject) => async (round) => {
      const latencies = [];
      const t = performance.now();
      const inFlight = [];
      for (let i = 0; i < sizes.paced; i++) {
        const due = t + (i * 1000) / sizes.rate;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        const sent = performance.now();
        inFlight.push(
          send(subject, alertOf(name, round, i)).then(() => latencies.push(performance.now() - sent)),
        );
      }
      await Promise.all(inFlight);
      return { ms: performance.now() - t, latencies };
    };
    log(`${int(sizes.paced)} alerts per side and round at ${sizes.rate}/s`);
    const steady = await alternate(sizes.rounds, {
      intake: (round) => paced('paced', `lgsp.intake.${AGENCY}.incidents.alert.raised`)(round + 20),
      bare: (round) => paced('pacedbare', 'lgsp.intake.BENCH.bare.alert')(round + 20),
    });
    latencyRow(
      `alert intake at ${sizes.rate} alerts/s, publish → incident event`,
      steady.intake,
      steady.bare,
    );

    const incidents = await db.collection('incidents').countDocuments({});
    const expected =
      5 +
      sizes.rounds * (sizes.alerts / sizes.dupEvery) * 2 +
      sizes.rounds * Math.ceil(sizes.paced / sizes.dupEvery);
    if (incidents !== expected) throw new Error(`dedup: ${incidents} incidents opened, ${expected} expected`);
    notes.push(
      `Each alert is one CloudEvent published on NATS and waited for until its incident.reported or incident.joined event is on the INCIDENTS stream. The service decides by reading dedup keys by _id (source key, fingerprint key of the time bucket), then either joins the incident (one guarded write of the incident document with its outbox) or claims its keys with inserts and creates the incident. ${int(incidents)} incidents were opened for ${int(sizes.rounds * sizes.alerts + 50)} alerts, exactly one per distinct indicator.`,
      'The baseline is the floor of the same path without the service: one JetStream pull consumer that acks the alert and publishes it onward to the INCIDENTS stream, in this process.',
      'Intake handles several alerts at once (EVENT_CONCURRENCY, default 16), those with one fingerprint — the alerts that would meet in one incident — one after another, so joins of one incident do not race; alerts matched by their source reference alone may still meet, and retry after a conflict. EVENT_CONCURRENCY=1 measures intake one alert at a time, as before.',
    );
    const heapEnd = heapMb();

    printReport({
      title: `## OpenLGSP incidents benchmark — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, N=${N}${quick ? ' (--quick)' : ''}`,
      context: [
        machineLine({ nats: sut.nc.info?.version, store: await storeName(sut.engines, db), loadStart }),
        'Client, incidents service (in this process, telemetry on without an exporter, LOG_LEVEL=error) and engines share the machine.',
        `Alerts handled at once: ${concurrency ? `${concurrency} (EVENT_CONCURRENCY)` : `${DEFAULT_CONCURRENCY} (the default)`}; those with one fingerprint one after another.`,
      ],
      heapLine: `Heap used after a forced GC, MB: ${heapStart.toFixed(1)} before, ${heapEnd.toFixed(1)} after (RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB).`,
      startedAt: t0,
    });
  } finally {
    await stopWatch?.();
    await stopBare?.();
    await conn?.close().catch(() => undefined);
    await stopBenchService(sut);
  }
}

await run(main);
