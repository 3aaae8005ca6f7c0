#!/usr/bin/env node
// The intake machinery alone (libs/events' EventConsumer: delivery checks, idempotence, span, ack, the
// keyed scheduler), with a handler that only waits as a store round trip would (2 ms), so that what is
// measured is how many events one consumer carries, serial (EVENT_CONCURRENCY=1, as before parallel
// intake) and in parallel (16), beside a bare consumer that parses and acks. Events on different
// aggregates (subjects); the order within one is tested in libs/events. `npm run bench` runs it, or
// `node load-tests/intake-bench.mjs [--quick] [--n=<count>]`. Markdown on stdout, progress on stderr.
import { startTelemetry } from '@openlgsp/telemetry';
await startTelemetry({ serviceName: 'intake-bench' });

const os = await import('node:os');
const { performance } = await import('node:perf_hooks');
const { setTimeout: sleep } = await import('node:timers/promises');
const { randomUUID } = await import('node:crypto');
const { connect } = await import('@nats-io/transport-node');
const { jetstream, jetstreamManager, AckPolicy } = await import('@nats-io/jetstream');
const events = await import('@openlgsp/events');
const { startEngines } = await import('@openlgsp/testing');
const { log, int, rateRow, alternate, machineLine, printReport, notes } = await import('./lib/measure.mjs');
const { parseOptions, run } = await import('./lib/run.mjs');
const { exampleData } = await import('./lib/fixtures.mjs');

const { quick, N } = parseOptions('intake-bench.mjs', { n: 200, quickN: 40, minN: 10 });
const sizes = { rounds: 2, events: 10 * N, handlerMs: 2 };
const TYPE = 'vn.openlgsp.catalogue.data-error.reported.v1';
// Each side and round publishes as its own agency, so a fresh consumer reads only its own events.
let round = 0;
const subjectOf = (agency) => `lgsp.intake.${agency}.catalogue.data-error.reported`;

async function main() {
  const t0 = performance.now();
  const loadStart = os.loadavg()[0];
  log(`intake bench: nats-server only (N=${N}${quick ? ', quick' : ''})`);
  const engines = await startEngines({ mongo: false });
  const nc = await connect({ servers: engines.natsUrl });
  try {
    const js = jetstream(nc);
    const jsm = await jetstreamManager(nc);
    await events.ensureStreams(jsm);
    const publisher = new events.EventPublisher(js, 'intake-bench');
    const data = { ...exampleData('catalogue', 'data-error.reported') };
    const applied = new Set();
    const processed = {
      has: async (c, id) => applied.has(`${c} ${id}`),
      add: async (c, id) => void applied.add(`${c} ${id}`),
    };
    const quiet = { info() {}, warn() {}, error() {} };
    let done = () => undefined;
    let handled = 0;
    const handler = async () => {
      await sleep(sizes.handlerMs);
      if (++handled === sizes.events) done();
    };
    const publishAll = async (agency) => {
      for (let i = 0; i < sizes.events; i += 256)
        await Promise.all(
          Array.from({ length: Math.min(256, sizes.events - i) }, () =>
            publisher.publish(
              events.createEvent(TYPE, data, {
                source: `/agencies/${agency}/bench`,
                agency,
                subject: randomUUID(),
              }),
            ),
          ),
        );
    };
    // One side: publish the events, then a fresh consumer drains them; timed from its start.
    const side = (concurrency) => async () => {
      handled = 0;
      const agency = `BENCH${++round}`;
      await publishAll(agency);
      const spec = {
        durable: `bench-${agency}`,
        stream: 'INTAKE',
        filterSubjects: [subjectOf(agency)],
        unhandled: 'reject',
        concurrency,
      };
      const consumer = new events.EventConsumer(
        js,
        jsm,
        publisher,
        spec,
        new Map([[TYPE, handler]]),
        processed,
        quiet,
      );
      const finished = new Promise((r) => (done = r));
      const t = performance.now();
      await consumer.start();
      await finished;
      const ms = performance.now() - t;
      await consumer.stop();
      await jsm.consumers.delete('INTAKE', spec.durable);
      return { ms, latencies: null, count: sizes.events };
    };
    const bare = async () => {
      const agency = `BENCH${++round}`;
      const durable = `bench-${agency}`;
      await publishAll(agency);
      await jsm.consumers.add('INTAKE', {
        durable_name: durable,
        ack_policy: AckPolicy.Explicit,
        filter_subjects: [subjectOf(agency)],
      });
      const t = performance.now();
      const messages = await (await js.consumers.get('INTAKE', durable)).consume({ max_messages: 64 });
      let seen = 0;
      for await (const m of messages) {
        events.fromNatsMessage(m.headers, m.data);
        m.ack();
        if (++seen === sizes.events) break;
      }
      const ms = performance.now() - t;
      await messages.close();
      await jsm.consumers.delete('INTAKE', durable);
      return { ms, latencies: null, count: sizes.events };
    };
    log(`measuring ${int(sizes.events)} events per side and round`);
    const result = await alternate(sizes.rounds, { parallel: side(16), serial: side(1), bare });
    const label = `intake machinery, ${int(sizes.events)} events on as many aggregates, handler waits ${sizes.handlerMs} ms`;
    rateRow(
      `${label}: 16 at once vs one at a time`,
      result.parallel.opsPerSec,
      result.serial.opsPerSec,
      'events/s',
      'intake.machinery.serial',
    );
    rateRow(
      `${label}: 16 at once vs a bare consumer (parse, ack)`,
      result.parallel.opsPerSec,
      result.bare.opsPerSec,
      'events/s',
      'intake.machinery.bare',
    );
    notes.push(
      `Each event goes through the whole EventConsumer (delivery checks against its contract and agency, the processed-ids check, a CONSUMER span, the ack), its handler waiting ${sizes.handlerMs} ms as a store round trip would; processed ids are kept in memory, so the store is out of the measure. "A ratio above 1× against one at a time" is the gain parallel intake gives when the store does not serialise the work.`,
    );
    printReport({
      title: `## OpenLGSP intake machinery benchmark — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, N=${N}${quick ? ' (--quick)' : ''}`,
      context: [machineLine({ nats: nc.info?.version, store: 'no store', loadStart })],
      heapLine: '',
      startedAt: t0,
    });
  } finally {
    await nc.close();
    await engines.stop();
  }
}

await run(main);
