#!/usr/bin/env node
// The catalogue's four benchmarks: `npm run bench` runs them first, or `node load-tests/catalogue-bench.mjs`
// after a build.
//
//   node load-tests/catalogue-bench.mjs             full run (about 1 minute on an idle 2-core machine, up to ~3 when loaded)
//   node load-tests/catalogue-bench.mjs --quick     15-30 s, a smoke check (small counts: ratios only roughly)
//   node load-tests/catalogue-bench.mjs --n=400     the base count N (load-tests/README.md, "Sizes", says how each uses it)
//   node load-tests/catalogue-bench.mjs --only=1,3  a subset: 1 publish, 2 write path, 3 intake, 4 outbox sweep
//
// It starts its own engines (nats-server with JetStream and FerretDB, on free ports in temporary
// directories) and the catalogue service in this process, runs each benchmark next to a baseline measured
// in the same run against the same engines, prints a Markdown table on stdout (progress goes to stderr),
// stops the service, removes the engines and exits (code 0, or 1 if a benchmark failed). Absolute figures
// depend on the machine and its load; compare the ratios. load-tests/README.md says what each figure means.

// As in a service's main.ts: tracing starts before the modules it instruments (http, mongodb) are loaded,
// so the service under test makes its spans as in production (no exporter configured: made, then dropped).
import { startTelemetry } from '@openlgsp/telemetry';
await startTelemetry({ serviceName: 'catalogue' });

const os = await import('node:os');
const { performance } = await import('node:perf_hooks');
const { randomBytes, randomUUID } = await import('node:crypto');
const { setTimeout: sleep } = await import('node:timers/promises');
const { EventFactory, EventPublisher, OutboxRelay, createEvent, encodeData, fromNatsMessage, toNatsMessage } =
  await import('@openlgsp/events');
const { contractFor, subjectFor } = await import('@openlgsp/contracts');
const { default: mongoose } = await import('mongoose');
const { AckPolicy, DeliverPolicy, jetstreamManager } = await import('@nats-io/jetstream');
const {
  log,
  heapMb,
  runOps,
  alternate,
  Sample,
  rows,
  heap,
  notes,
  int,
  fmtRate,
  fmtRatio,
  rateRow,
  latencyRow,
  result,
  section,
  machineLine,
  printReport,
} = await import('./lib/measure.mjs');
const {
  parseOptions,
  traceparent,
  expectStatus,
  startBenchService,
  stopBenchService,
  storeName,
  describeSource,
  run,
} = await import('./lib/run.mjs');
const { proposedContent } = await import('./lib/fixtures.mjs');

// ---------------------------------------------------------------------------------------------------
// Options and sizes

/** N: the number of store-bound operations per variant (load-tests/README.md, "Sizes"). */
const { quick, N, only } = parseOptions('catalogue-bench.mjs', {
  n: 200,
  quickN: 40,
  minN: 10,
  only: [1, 2, 3, 4],
});
const sizes = {
  /** Ours and the baseline alternate in this many rounds (ABBA…), so a slow spell of a noisy machine hits both. */
  rounds: 2,
  /** 1: events per publish mode and side (a publish is ~50× cheaper than a store-bound op). */
  publish: 20 * N,
  publishConcurrency: 32,
  /** 2: HTTP requests / inserts per variant, sequential. */
  write: N,
  /** 2, second part: reports already stored (100× the first part's), and the requests made on top of them. */
  preload: 100 * N,
  preloaded: Math.max(5, Math.round(N / 10)),
  /** 3: intake events. */
  intake: N,
  intakeConcurrency: 32,
  /** 3, paced: events published at a steady rate (issue 12's goal: p99 publish → fact at 200 events/s). */
  paced: 5 * N,
  pacedPerSecond: 200,
  /** 4: sweeps of one relay batch (100 aggregates) each. */
  sweeps: Math.max(2, Math.round(N / 50)),
};
sizes.warmup = Math.max(10, Math.round(N / 5));

// ---------------------------------------------------------------------------------------------------
// Fixtures and helpers

const OPENED = 'vn.openlgsp.catalogue.error-report.opened.v1';
const REPORTED = 'vn.openlgsp.catalogue.data-error.reported.v1';
const OWNER = 'STNMT';
const REPORTER = 'SXD'; // errors are reported by agencies other than the owner

/** What an agency's system reports (contracts/examples/catalogue/data-error.reported.v1.json). */
const reportBody = (entryId, i) => ({
  entryId,
  field: 'area',
  description: 'Diện tích thửa đất khác với giấy chứng nhận.',
  recordRef: `parcel 12-${String(i).padStart(6, '0')}`,
});

/** Propose → compile (DIC) → decide (Committee), as `listedEntry()` in the catalogue's tests. */
async function listedEntry(sut, tokens) {
  const { entryId, proposalId } = expectStatus(
    await sut.request('POST', '/catalogue/entries/proposals', {
      token: tokens.owner,
      body: { content: proposedContent(OWNER), justification: 'Phục vụ thủ tục đất đai liên thông' },
    }),
    201,
    'proposal',
  );
  const step = `/catalogue/entries/${entryId}/proposals/${proposalId}`;
  expectStatus(
    await sut.request('POST', `${step}/compilation`, { token: tokens.dic, body: { note: 'đủ hồ sơ' } }),
    204,
    'compilation',
  );
  expectStatus(
    await sut.request('POST', `${step}/decision`, {
      token: tokens.committee,
      body: { outcome: 'approved', decisionRef: '12/QĐ-UBND' },
    }),
    204,
    'decision',
  );
  return entryId;
}

/** The bench's own view of the catalogue's store and streams. */
class Probe {
  constructor(sut, conn, jsm) {
    this.sut = sut;
    this.db = conn.db;
    this.jsm = jsm;
  }
  static async open(sut) {
    return new Probe(
      sut,
      await mongoose.createConnection(sut.engines.mongoUrl).asPromise(),
      await jetstreamManager(sut.nc),
    );
  }
  reports() {
    return this.db.collection('error_reports');
  }
  async pendingOutbox() {
    const docs = await this.reports()
      .find({ 'outbox.0': { $exists: true } }, { projection: { outbox: 1 } })
      .toArray();
    return docs.flatMap((d) => d.outbox ?? []);
  }
  /** Waits until the intake consumer has acked everything and no report has an event left to publish. */
  async settle(what) {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const info = await this.jsm.consumers.info('INTAKE', 'catalogue-intake');
      const pending = info.num_pending + info.num_ack_pending + (await this.pendingOutbox()).length;
      if (pending === 0) return;
      if (Date.now() > deadline)
        throw new Error(
          `${what}: the catalogue did not settle (${pending} messages or outbox events pending)`,
        );
      await sleep(100);
    }
  }
  /**
   * Every benchmark starts with no error reports stored: on FerretDB v1 some of the write path's
   * queries scan the whole collection, so figures would otherwise depend on what ran before.
   */
  async reset(what) {
    await this.settle(what);
    await this.reports().deleteMany({});
    await this.db.collection('processed_events').deleteMany({});
    await this.db.collection('bench_raw_inserts').deleteMany({});
  }
  async countReports() {
    return this.reports().countDocuments({});
  }
  async close() {
    await this.db.client.close();
  }
}

// ---------------------------------------------------------------------------------------------------
// 1. Event publish

async function benchPublish(sut) {
  const publisher = new EventPublisher(sut.js, 'catalogue');
  const factory = new EventFactory('/openlgsp/catalogue');
  const subject = subjectFor(OPENED);
  const makeEvents = (count) =>
    Array.from({ length: count }, (_, i) => {
      const reportId = randomUUID();
      const data = {
        reportId,
        entryId: '0197a1b2-7c4d-7e8f-9a01-000000000e01',
        ownerAgency: OWNER,
        reporterAgency: REPORTER,
        field: 'area',
        description: 'Diện tích thửa đất khác với giấy chứng nhận.',
        recordRef: `parcel 12-${i}`,
      };
      const event = factory.create({ type: OPENED, data }, reportId, {
        sub: 'sxd-officer',
        agency: REPORTER,
      });
      event.traceparent = traceparent(); // as if made in an HTTP request: the producer span continues it
      return event;
    });
  const ours = (events) => (i) => publisher.publish(events[i]);
  const raw = (bodies) => (i) => sut.js.publish(subject, bodies[i]);

  const warm = makeEvents(sizes.warmup * 5);
  await runOps(warm.length, 8, ours(warm));
  await runOps(warm.length, 8, raw(warm.map((e) => encodeData(e.data))));

  const perRound = Math.ceil(sizes.publish / sizes.rounds);
  for (const [mode, concurrency] of [
    ['sequential', 1],
    [`${sizes.publishConcurrency} in flight`, sizes.publishConcurrency],
  ]) {
    const s = await alternate(sizes.rounds, {
      ours: () => runOps(perRound, concurrency, ours(makeEvents(perRound))),
      baseline: () => runOps(perRound, concurrency, raw(makeEvents(perRound).map((e) => encodeData(e.data)))),
    });
    const label = `1 · publish, ${mode} (${int(s.ours.count)} events)`;
    rateRow(label, s.ours.opsPerSec, s.baseline.opsPerSec, 'events/s');
    latencyRow(label, s.ours, s.baseline);
  }
  const { headers, body } = toNatsMessage(warm[0]);
  const headerBytes = [...headers.keys()].reduce((n, k) => n + k.length + headers.get(k).length + 4, 0);
  notes.push(
    `1 · an error-report.opened event: data ${body.length} B; ours adds ${headerBytes} B of ce-* headers and Nats-Msg-Id, ` +
      'checks the data against its JSON Schema and wraps the publish in a PRODUCER span. ' +
      'Baseline: js.publish of the same data bytes to the same subject and stream, no headers, no check, no span.',
  );
}

// ---------------------------------------------------------------------------------------------------
// 2. Write path

async function benchWritePath(sut, probe, tokens, entryId) {
  const raw = probe.db.collection('bench_raw_inserts');
  let seq = 0;
  const post = async () => {
    const answer = await sut.request('POST', '/catalogue/error-reports', {
      token: tokens.reporter,
      body: reportBody(entryId, seq++),
    });
    return expectStatus(answer, 201, 'POST /catalogue/error-reports').reportId;
  };
  const live = async () =>
    expectStatus(await sut.request('GET', '/catalogue/health/live'), 200, 'GET /catalogue/health/live');

  // The document as the use case inserts it: the report, with its outbox holding its error-report.opened.
  const sampleId = await post();
  const stored = await probe.reports().findOne({ _id: sampleId });
  const { _id, revision, ...report } = stored;
  delete report.outbox;
  const opened = new EventFactory('/openlgsp/catalogue').create(
    {
      type: OPENED,
      data: {
        reportId: _id,
        entryId,
        ...pick(report, 'ownerAgency', 'reporterAgency', 'field', 'description', 'recordRef'),
      },
    },
    _id,
    { sub: report.reportedBy, agency: report.reporterAgency },
  );
  opened.traceparent = traceparent();
  const rawDoc = () => ({
    _id: randomUUID(),
    revision,
    ...report,
    outbox: [{ ...opened, id: randomUUID() }],
  });
  const docBytes = mongoose.mongo.BSON.calculateObjectSize(rawDoc());
  const insert = async () => raw.insertOne(rawDoc());

  for (let i = 0; i < sizes.warmup; i++) await post();
  for (let i = 0; i < sizes.warmup; i++) await insert();
  for (let i = 0; i < sizes.warmup; i++) await live();
  const startSize = await probe.countReports();

  const perRound = Math.ceil(sizes.write / sizes.rounds);
  const s = await alternate(sizes.rounds, {
    ours: () => runOps(perRound, 1, post),
    insert: () => runOps(perRound, 1, insert),
    live: () => runOps(perRound, 1, live),
  });
  const endSize = await probe.countReports();
  const label = `2 · write path: POST /catalogue/error-reports, sequential (${int(s.ours.count)})`;
  rateRow(
    `${label} vs raw insertOne`,
    s.ours.opsPerSec,
    s.insert.opsPerSec,
    'ops/s',
    'catalogue.write.insert',
  );
  latencyRow(`${label} vs raw insertOne`, s.ours, s.insert, [50, 99], 'catalogue.write.insert');
  rateRow(
    `${label} vs GET /catalogue/health/live`,
    s.ours.opsPerSec,
    s.live.opsPerSec,
    'ops/s',
    'catalogue.write.live',
  );
  latencyRow(`${label} vs GET /catalogue/health/live`, s.ours, s.live, [50, 99], 'catalogue.write.live');

  // The same request on top of many stored reports (raw inserts, untimed): does a write cost more when
  // the collection is larger? The baseline is a raw insertOne into a collection of the same size.
  const filler = () => ({ ...rawDoc(), outbox: [] });
  const fillerIds = [];
  for (let done = 0; done < sizes.preload; done += 500) {
    const docs = Array.from({ length: Math.min(500, sizes.preload - done) }, filler);
    fillerIds.push(...docs.map((d) => d._id));
    await probe.reports().insertMany(docs);
    await raw.insertMany(Array.from({ length: docs.length }, filler));
  }
  const bigSize = await probe.countReports();
  const perBigRound = Math.ceil(sizes.preloaded / sizes.rounds);
  const big = await alternate(sizes.rounds, {
    ours: () => runOps(perBigRound, 1, post),
    insert: () => runOps(perBigRound, 1, insert),
  });
  latencyRow(
    `2 · the same POST with ${int(bigSize)} reports stored (${int(big.ours.count)} requests) vs raw insertOne`,
    big.ours,
    big.insert,
    [50],
    'catalogue.write.big',
  );
  const growth = `2 · growth of that p50 from ${int(startSize)}–${int(endSize)} to ${int(bigSize)} stored documents`;
  const [oursGrowth, insertGrowth] = [
    big.ours.pct(50) / s.ours.pct(50),
    big.insert.pct(50) / s.insert.pct(50),
  ];
  rows.push([growth, fmtRatio(oursGrowth), fmtRatio(insertGrowth), '—']);
  result({
    key: 'catalogue.write.growth',
    benchmark: growth,
    unit: '×',
    ours: oursGrowth,
    baseline: insertGrowth,
  });
  // One statement alone: the conditional update every use-case write makes (guarded by the revision),
  // against the same update by _id alone — FerretDB v1 pushes only the plain _id filter down to SQL.
  const clear = { $set: { status: 'open' } };
  const someId = (i) => fillerIds[(i * 7919) % fillerIds.length];
  const upd = await alternate(sizes.rounds, {
    ours: () =>
      runOps(perBigRound, 1, (i) => probe.reports().updateOne({ _id: someId(i), revision: 1 }, clear)),
    byId: () => runOps(perBigRound, 1, (i) => probe.reports().updateOne({ _id: someId(i + 1) }, clear)),
  });
  latencyRow(
    `2 · one updateOne({ _id, revision }) (a use case's guarded write) vs updateOne({ _id }), ${int(bigSize)} documents`,
    upd.ours,
    upd.byId,
    [50],
    'catalogue.write.guarded',
  );
  notes.push(
    `2 · ours: HTTP + JWT check + DTO validation + use case (reads the entry) + one insert of the report with its outbox ` +
      `(${docBytes} B of BSON) + publish of error-report.opened + removal from the outbox; the error_reports collection ` +
      `held ${int(startSize)} reports at the start and ${int(endSize)} at the end. Baselines: insertOne of a same-size document ` +
      'through the MongoDB driver into another collection of the same FerretDB database; GET /catalogue/health/live on the same ' +
      'Fastify app with the same HTTP client (no auth, no store, not traced). The last two rows repeat the POST once the ' +
      'collections hold many more documents (inserted directly, untimed): the growth row divides p50s. The last row times ' +
      'one conditional update of the kind every use case makes ({ _id, revision }), against the same update by _id ' +
      'alone, both through the driver on the same collection.',
  );
}

function pick(o, ...keys) {
  return Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
}

// ---------------------------------------------------------------------------------------------------
// 3. Intake end to end

async function benchIntake(sut, probe, entryId) {
  const intakeSubject = subjectFor(REPORTED, { agency: REPORTER });
  const openedSubject = subjectFor(OPENED);
  let offset = 0;
  const makeEvents = (count) =>
    Array.from({ length: count }, () => {
      const event = createEvent(REPORTED, reportBody(entryId, offset++), {
        source: `/agencies/${REPORTER}/portal`,
        agency: REPORTER,
        actor: `key-${REPORTER.toLowerCase()}-system`,
        subject: entryId,
        dataschema: contractFor(REPORTED).schemaId,
      });
      event.traceparent = traceparent();
      return event;
    });

  // Outcomes, as they happen: the opened facts (a core subscription sees every message JetStream stores
  // on the subject) and rejections, which would mean the fixture is wrong.
  const waiting = new Map(); // intake event id (= report id) → when it was published
  let onOpened = () => undefined;
  const openedSub = sut.nc.subscribe(openedSubject, {
    callback: (_err, m) => {
      const id = m.headers?.get('ce-subject');
      const sent = waiting.get(id);
      if (sent === undefined) return;
      waiting.delete(id);
      onOpened(performance.now() - sent);
    },
  });
  const refused = [];
  const rejectedSub = sut.nc.subscribe(`lgsp.rejected.${REPORTER}`, {
    callback: (_e, m) => refused.push(m.string()),
  });
  await sut.nc.flush();
  const openedInStream = async () =>
    (await probe.jsm.streams.info('CATALOGUE', { subjects_filter: openedSubject })).state.subjects?.[
      openedSubject
    ] ?? 0;

  /**
   * Publishes the events and resolves once each one's error-report.opened was seen: 32 in flight, or
   * with `perSecond`, each at its time (t0 + i / perSecond) whether or not the earlier ones are handled.
   */
  async function ours(events, perSecond) {
    const latencies = [];
    let watchdog;
    const done = new Promise((resolve, reject) => {
      onOpened = (ms) => latencies.push(ms) === events.length && resolve();
      watchdog = setInterval(
        () => refused.length && reject(new Error(`intake events were refused: ${refused[0]}`)),
        100,
      );
    }).finally(() => clearInterval(watchdog));
    let firstSeq = Infinity;
    const publish = async (i) => {
      const { headers, body } = toNatsMessage(events[i]);
      waiting.set(events[i].id, performance.now());
      const ack = await sut.js.publish(intakeSubject, body, { headers, msgID: events[i].id });
      firstSeq = Math.min(firstSeq, ack.seq);
    };
    const t0 = performance.now();
    if (perSecond) {
      const acks = [];
      for (let i = 0; i < events.length; i++) {
        const wait = t0 + (i * 1000) / perSecond - performance.now();
        if (wait > 0) await sleep(wait);
        acks.push(publish(i));
      }
      await Promise.all(acks);
    } else await runOps(events.length, sizes.intakeConcurrency, publish);
    const publishMs = performance.now() - t0;
    const limit = 120_000;
    const timeout = sleep(limit, undefined, { ref: false }).then(() => {
      throw new Error(
        `intake: ${latencies.length}/${events.length} error reports opened within ${limit / 1000} s`,
      );
    });
    await Promise.race([done, timeout]);
    return { ms: performance.now() - t0, latencies, firstSeq, publishMs };
  }

  /** The same messages again, from INTAKE: a bare durable pull consumer that parses each and acks it. */
  async function bare(firstSeq, count) {
    const durable = `bench-bare-${randomBytes(3).toString('hex')}`;
    await probe.jsm.consumers.add('INTAKE', {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: firstSeq,
      filter_subject: intakeSubject,
      max_ack_pending: 1_000,
    });
    try {
      const consumer = await sut.js.consumers.get('INTAKE', durable);
      const t0 = performance.now();
      const messages = await consumer.consume({ max_messages: 64 }); // as EventConsumer
      const guard = setTimeout(() => void messages.close(), 60_000);
      let seen = 0;
      try {
        for await (const m of messages) {
          fromNatsMessage(m.headers, m.data);
          m.ack();
          if (++seen === count) break;
        }
      } finally {
        clearTimeout(guard);
      }
      const ms = performance.now() - t0;
      await messages.close();
      if (seen !== count) throw new Error(`the bare consumer received ${seen}/${count} messages within 60 s`);
      return { ms, latencies: null, count };
    } finally {
      await probe.jsm.consumers.delete('INTAKE', durable).catch(() => undefined);
    }
  }

  try {
    const before = await openedInStream();
    await ours(makeEvents(sizes.warmup));
    await probe.settle('intake warm-up');
    const perRound = Math.ceil(sizes.intake / sizes.rounds);
    const oursSample = new Sample();
    const bareSample = new Sample();
    let publishMs = 0;
    for (let r = 0; r < sizes.rounds; r++) {
      const result = await ours(makeEvents(perRound));
      oursSample.add(result);
      publishMs += result.publishMs;
      await probe.settle('intake'); // the last writes finish their outbox after the fact was seen
      bareSample.add(await bare(result.firstSeq, perRound));
    }
    // At a steady rate, as agencies' systems send: each event's wait is its own handling plus any queue.
    const paced = await ours(makeEvents(sizes.paced), sizes.pacedPerSecond);
    await probe.settle('paced intake');
    const pacedSample = new Sample().add(paced);
    const added = (await openedInStream()) - before;
    const expected = sizes.warmup + oursSample.count + pacedSample.count;
    if (added !== expected)
      throw new Error(`CATALOGUE holds ${added} new error-report.opened facts, expected ${expected}`);
    const reports = await probe.countReports();

    rateRow(
      `3 · intake end to end (${int(oursSample.count)} events) vs bare durable consumer`,
      oursSample.opsPerSec,
      bareSample.opsPerSec,
      'events/s',
      'catalogue.intake.rate',
    );
    latencyRow(
      `3 · intake, one event: publish → its error-report.opened, in a burst of ${int(perRound)}`,
      oursSample,
      null,
      [50, 99],
      'catalogue.intake.burst',
    );
    latencyRow(
      `3 · intake, one event: publish → its error-report.opened, ${int(pacedSample.count)} events at ${sizes.pacedPerSecond}/s (sent at ${fmtRate((pacedSample.count / paced.publishMs) * 1000)}/s)`,
      pacedSample,
      null,
      [50, 99],
      'catalogue.intake.paced',
    );
    notes.push(
      `3 · ours: from the first intake publish (${sizes.intakeConcurrency} in flight; published at ${fmtRate((oursSample.count / publishMs) * 1000)} events/s, ` +
        'so the catalogue is the bottleneck) until the last error-report.opened is seen; each event is parsed, checked against ' +
        'its contract and agency, looked up in processed_events, turned into a report (entry read, insert with outbox, publish, ' +
        `outbox removal) and recorded as processed. CATALOGUE gained exactly ${expected} opened facts (warm-up included); ` +
        `${int(reports)} reports were stored at the end. Baseline: a durable pull consumer (batches of 64, as EventConsumer) ` +
        'reading the same messages from INTAKE, parsing each CloudEvent and acking it. The latency row is ours only: it includes ' +
        'the wait behind the events published before it. The paced row publishes one event every ' +
        `${1000 / sizes.pacedPerSecond} ms (open model: on time whether or not the catalogue keeps up), so it shows the wait ` +
        'at that arrival rate, and a queue if the rate is above what the catalogue handles.',
    );
  } finally {
    openedSub.unsubscribe();
    rejectedSub.unsubscribe();
  }
}

// ---------------------------------------------------------------------------------------------------
// 4. Outbox sweep

async function benchSweep(sut, probe, tokens, entryId) {
  const relay = sut.app.get(OutboxRelay);
  const K = relay.options.batch; // one sweep() takes at most `batch` aggregates of each store
  const due = () => new Date(Date.now() + relay.options.graceMs + 1_000); // everything written is past the grace period
  let seq = 0;
  /** K error reports written with the relay stopped, as if the process had died after each write. */
  async function writePending() {
    await probe.reports().deleteMany({});
    for (let i = 0; i < K; i++) {
      const answer = await sut.request('POST', '/catalogue/error-reports', {
        token: tokens.reporter,
        body: reportBody(entryId, seq++),
      });
      expectStatus(answer, 201, 'POST /catalogue/error-reports');
    }
    const events = await probe.pendingOutbox();
    if (events.length !== K) throw new Error(`expected ${K} pending outbox events, found ${events.length}`);
    return events;
  }
  async function sweep() {
    const t0 = performance.now();
    const published = await relay.sweep(due());
    const ms = performance.now() - t0;
    if (published !== K) throw new Error(`sweep() published ${published} events, expected ${K}`);
    const left = (await probe.pendingOutbox()).length;
    if (left) throw new Error(`${left} outbox events left after sweep()`);
    return { ms, latencies: [ms], count: K };
  }
  async function rawPublish(events) {
    const messages = events.map((e) => ({ subject: subjectFor(e.type), body: encodeData(e.data) }));
    const t0 = performance.now();
    for (const { subject, body } of messages) await sut.js.publish(subject, body);
    const ms = performance.now() - t0;
    return { ms, latencies: [ms], count: K };
  }

  await relay.stop(); // no flush after a write, no timer: only our sweep() calls publish
  try {
    await writePending();
    await sweep(); // warm-up
    const ours = new Sample();
    const baseline = new Sample();
    for (let r = 0; r < sizes.sweeps; r++) {
      const events = await writePending();
      // Alternate which goes first; the baseline publishes copies of the events the sweep is about to publish.
      if (r % 2) baseline.add(await rawPublish(events));
      ours.add(await sweep());
      if (r % 2 === 0) baseline.add(await rawPublish(events));
    }
    const label = `4 · outbox sweep: ${K} aggregates with one pending event each, ${sizes.sweeps} sweeps`;
    rateRow(
      `${label} vs raw publish`,
      ours.opsPerSec,
      baseline.opsPerSec,
      'events/s',
      'catalogue.sweep.rate',
    );
    latencyRow(
      `4 · one sweep() of ${K} vs publishing its ${K} events`,
      ours,
      baseline,
      [50],
      'catalogue.sweep.one',
    );
    notes.push(
      `4 · ours: one relay.sweep() (the catalogue's own relay, timer stopped) finds the ${K} error reports written with the relay ` +
        `stopped (the relay remembers them: each read by _id, concurrently; a whole-collection pass only at start and every ` +
        `few minutes), publishes their events through EventPublisher, up to 64 aggregates at once (each one's events in ` +
        `order), and removes them from their documents in bulk writes of 25; the collection held exactly ${K} reports each ` +
        "time. Baseline: js.publish of the same events' data bytes, sequential, no headers.",
    );
  } finally {
    relay.start();
  }
}

// ---------------------------------------------------------------------------------------------------
// The run

async function main() {
  const t0 = performance.now();
  const loadStart = os.loadavg()[0];
  log(`starting engines and the catalogue (N=${N}${quick ? ', quick' : ''})`);
  const sut = await startBenchService({ service: 'catalogue' });
  let probe;
  try {
    probe = await Probe.open(sut);
    const tokens = {
      owner: await sut.token(OWNER, ['provider']),
      dic: await sut.token('STTTT', ['dic']),
      committee: await sut.token('UBND', ['committee']),
      reporter: await sut.token(REPORTER, ['consumer']),
    };
    const entryId = await listedEntry(sut, tokens);
    const store = await storeName(sut.engines, probe.db);
    const heapStart = heapMb();

    if (only.has(1)) await section('1 · event publish', () => benchPublish(sut));
    if (only.has(2))
      await section(
        '2 · write path',
        async () => (await probe.reset('write path'), benchWritePath(sut, probe, tokens, entryId)),
      );
    if (only.has(3))
      await section(
        '3 · intake end to end',
        async () => (await probe.reset('intake'), benchIntake(sut, probe, entryId)),
      );
    if (only.has(4))
      await section(
        '4 · outbox sweep',
        async () => (await probe.reset('sweep'), benchSweep(sut, probe, tokens, entryId)),
      );
    const heapEnd = heapMb();

    printReport({
      title: `## OpenLGSP catalogue benchmark — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, N=${N}${quick ? ' (--quick)' : ''}, ${describeSource()}`,
      context: [
        machineLine({ nats: sut.nc.info?.version, store, loadStart }),
        'Client, catalogue service (in this process, telemetry on without an exporter, LOG_LEVEL=error) and engines share the machine.',
      ],
      heapLine:
        `Heap used after a forced GC, MB: ${heapStart.toFixed(1)} with the service up; ` +
        heap
          .map(([name, before, after]) => `benchmark ${name}: ${before.toFixed(1)} → ${after.toFixed(1)}`)
          .join('; ') +
        `; ${heapEnd.toFixed(1)} at the end (RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB).`,
      startedAt: t0,
    });
  } finally {
    await probe?.close().catch(() => undefined);
    await stopBenchService(sut);
  }
}

await run(main);
