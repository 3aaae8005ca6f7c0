import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { inFlightBound, type LgspEvent } from '@openlgsp/events';
import { ACCESS_RECORDED_TYPE } from '@openlgsp/http';
import {
  AGENCY,
  alertOf,
  assertChainVerifies,
  assertExactlyOnce,
  assertReportedOnce,
  deadLettered,
  metricOf,
  reportedFacts,
  runId,
  sendBurst,
  startFaultPlatform,
  trailOf,
  waitFor,
  type FaultPlatform,
} from './faults.js';

/**
 * Fault injection (issue 13 §5), the long outages: NATS down for 30 s while HTTP writes go on, a
 * consumer slower than its producer, and the store down for 30 s while intake goes on. Each is
 * counted end to end as in faults-crash: every event recorded exactly once, none lost, none twice,
 * and the audit chain verifies after.
 */
const OUTAGE_MS = 30_000;
/** The incidents service handles two alerts at a time here: slower than the producer by design. */
const CONCURRENCY = 2;
const INTAKE = { stream: 'INTAKE', durable: 'incidents-intake' };
let platform: FaultPlatform;
/** The route an incident report is recorded under as an access (the subject of its trail entry). */
const REPORT_ROUTE = '/incidents/incidents';

before(async () => {
  platform = await startFaultPlatform({ env: { incidents: { EVENT_CONCURRENCY: String(CONCURRENCY) } } });
});
after(async () => {
  await platform?.stop();
});

/** An officer of the agency reports an incident over HTTP (it leaves through the outbox). */
async function report(ref: string): Promise<Response> {
  return fetch(`${platform.services.incidents!.url}/incidents/incidents`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${await platform.token(AGENCY, ['provider'])}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({
      source: '/agencies/SNN/helpdesk',
      sourceRef: ref,
      contact: { name: 'Phòng CNTT' },
      category: 'malicious-code/infected-system',
      severity: 'medium',
      detectedAt: new Date(Date.now() - 60_000).toISOString(),
      description: 'Máy trạm nhiễm mã độc.',
      observables: [{ type: 'domain', value: `${ref}.faults.example`, tlp: 'GREEN' }],
    }),
  });
}

/** The store-down scenario's alerts, counted in the audit trail by the test after it. */
let storeDownAlerts: LgspEvent[] = [];

/**
 * Waits (a bound) until each alert has opened its incident, then asserts: one incident.reported
 * each on the INCIDENTS stream (counted on the stream, not in the trail).
 */
async function assertEachOpenedOnce(alerts: LgspEvent[]): Promise<void> {
  const refs = alerts.map((a) => (a.data as { sourceRef: string }).sourceRef);
  const wanted = new Set(refs);
  const count = async () => {
    const facts = await reportedFacts(platform.engines, (d) => wanted.has(d.sourceRef ?? ''));
    return refs.map((r) => facts.filter((f) => (f.data as { sourceRef: string }).sourceRef === r).length);
  };
  const deadline = Date.now() + 120_000;
  let counts = await count();
  while (counts.some((n) => n === 0) && Date.now() < deadline) {
    await sleep(1_000);
    counts = await count();
  }
  const missing = counts.filter((n) => n === 0).length;
  const twice = counts.filter((n) => n > 1).length;
  assert.ok(missing === 0 && twice === 0, `incidents opened: ${missing} missing, ${twice} more than once`);
}

const redeliveries = () =>
  metricOf(platform.services.incidents!, 'lgsp_events_redelivered_total', INTAKE.durable);

describe('fault injection: NATS down for 30 s while HTTP writes go on', () => {
  it('accepts every write, publishes each event once when NATS is back, and intake resumes by itself', async (t) => {
    const run = runId('nats-down');
    const writesInTrail = async () =>
      (await trailOf(platform, platform.services.audit!, 'AUDIT', ACCESS_RECORDED_TYPE, REPORT_ROUTE)).length;
    const recordedBefore = await writesInTrail();
    const accepted: string[] = [];
    const refused: string[] = [];
    let writing = true;
    let n = 0;
    // Four officers writing one report after another each, before, during and after the outage.
    const writer = async () => {
      while (writing && refused.length === 0) {
        const answer = await report(`${run}-${n++}`);
        const body = (await answer.json()) as { incidentId?: string };
        if (answer.status === 201 && body.incidentId) accepted.push(body.incidentId);
        else refused.push(`${answer.status} ${JSON.stringify(body)}`);
      }
    };
    const writers = Array.from({ length: 4 }, writer);
    // Bounds, not timing assertions: each wait ends at the first refusal or after a minute.
    const until = async (enough: () => boolean) => {
      const deadline = Date.now() + 60_000;
      while (!enough() && refused.length === 0 && Date.now() < deadline) await sleep(50);
    };
    await until(() => accepted.length >= 8);
    await platform.engines.nats.kill();
    const duringFrom = accepted.length;
    await sleep(OUTAGE_MS);
    const duringOutage = accepted.length - duringFrom;
    await platform.engines.nats.start();
    const after = accepted.length;
    await until(() => accepted.length >= after + 8);
    writing = false;
    await Promise.all(writers);

    assert.deepEqual(refused, [], 'every write accepted (stored with its outbox)');
    assert.ok(duringOutage > 0, 'writes were accepted while NATS was down');
    t.diagnostic(`NATS down: ${accepted.length} writes accepted, ${duringOutage} of them during the outage`);
    await assertReportedOnce(platform, accepted);
    // Each write's access event too: the reporter kept retrying while NATS was away (a bound, not a timing).
    await waitFor(
      'every write in the trail',
      async () => ((await writesInTrail()) - recordedBefore >= accepted.length ? true : undefined),
      120_000,
    ).catch(() => undefined);
    assert.equal(
      (await writesInTrail()) - recordedBefore,
      accepted.length,
      'each write recorded once as an access',
    );

    // The services reconnected by themselves: alerts over NATS are handled and recorded again.
    const alerts = Array.from({ length: 10 }, (_, i) => alertOf(runId('after-nats'), i));
    await sendBurst(platform.engines, alerts);
    await assertExactlyOnce(platform, alerts);
    await assertChainVerifies(platform);
  });
});

describe('fault injection: a consumer slower than its producer', () => {
  it('holds no more than its bound, stays within its memory bound, and redelivers nothing', async (t) => {
    const incidents = platform.services.incidents!;
    // The in-flight bound of incidents' intake with EVENT_CONCURRENCY=2 (and the default batch).
    const bound = inFlightBound({ concurrency: CONCURRENCY });
    // Alerts with the longest description the contract allows (16,000 characters).
    const description = 'Mã độc trên máy trạm. '.repeat(800).slice(0, 16_000);
    const alerts = Array.from({ length: 300 }, (_, i) => alertOf(runId('slow'), i, description));
    const size = Buffer.byteLength(JSON.stringify(alerts[0]));
    // The memory bound: what it was before, plus every message it may hold at once with room for
    // its working copies (bytes, text, parsed object, document, outbox event: 16 times its size),
    // plus 64 MB for the collector's slack. Holding the whole burst would need size × 300 × 16.
    const rssBefore = rssOf(incidents.pid!);
    const memoryBound = rssBefore + bound * size * 16 + 64 * 2 ** 20;
    const redeliveredBefore = await redeliveries();

    const nc = await connect({ servers: platform.engines.natsUrl });
    const jsm = await jetstreamManager(nc);
    let done = false;
    let mostHeld = 0;
    let mostRss = rssBefore;
    let mostRedelivered = 0;
    const sampling = (async () => {
      while (!done) {
        const info = await jsm.consumers.info(INTAKE.stream, INTAKE.durable);
        mostHeld = Math.max(mostHeld, info.num_ack_pending);
        mostRedelivered = Math.max(mostRedelivered, info.num_redelivered);
        mostRss = Math.max(mostRss, rssOf(incidents.pid!));
        await sleep(200);
      }
    })();
    // The store stalls (SIGSTOP) 1 s in every 1.25 s while the first of the burst waits: a handler
    // takes about a second, so what was fetched last waits its turn longer than the 30 s ack wait.
    const stalls = (async () => {
      const until = Date.now() + 40_000;
      while (!done && Date.now() < until) {
        await platform.engines.mongo.pause();
        await sleep(1_000);
        await platform.engines.mongo.resume();
        await sleep(250);
      }
    })();
    try {
      await sendBurst(platform.engines, alerts);
      await stalls;
      await assertExactlyOnce(platform, alerts, undefined, 180_000);
    } finally {
      done = true;
      await platform.engines.mongo.resume();
      await Promise.all([sampling, stalls]);
      await nc.close();
    }
    await assertChainVerifies(platform);

    const mb = (n: number) => `${(n / 2 ** 20).toFixed(0)} MB`;
    t.diagnostic(
      `slow consumer: ${alerts.length} alerts of ${size} bytes; most held ${mostHeld} (bound ${bound}); ` +
        `RSS ${mb(rssBefore)} → at most ${mb(mostRss)} (bound ${mb(memoryBound)})`,
    );
    assert.ok(mostHeld <= bound, `at most ${bound} unacknowledged at once; seen ${mostHeld}`);
    assert.ok(mostHeld > CONCURRENCY, `it fetched ahead of its handlers; seen ${mostHeld}`);
    assert.ok(mostRss <= memoryBound, `RSS at most ${mb(memoryBound)}; seen ${mb(mostRss)}`);
    assert.equal(mostRedelivered, 0, 'no message delivered again while waiting its turn');
    assert.equal((await redeliveries()) - redeliveredBefore, 0, 'no redelivery counted by the consumer');
  });
});

describe('fault injection: the store down for 30 s while intake goes on', () => {
  it('holds every alert through the outage (no attempt spent), then opens one incident for each', async (t) => {
    const run = runId('store-down');
    const alerts = (storeDownAlerts = Array.from({ length: 120 }, (_, i) => alertOf(run, i)));
    const redeliveredBefore = await redeliveries();
    let back: Promise<void> = Promise.resolve();
    let during: Promise<Response> | undefined;
    await sendBurst(platform.engines, alerts, async (i) => {
      if (i === 20) {
        await platform.engines.mongo.kill();
        back = sleep(OUTAGE_MS).then(() => platform.engines.mongo.start());
      }
      if (i === 30) during = report(`${run}-http`);
      // One alert every 250 ms: the producer goes on for as long as the store is away.
      if (i >= 20) await sleep(250);
    });
    const answer = await during!;
    await back;

    // An HTTP write meanwhile: 503 problem+json with Retry-After, not 500.
    const problem = (await answer.json()) as { code?: string; status?: number };
    assert.equal(answer.status, 503, JSON.stringify(problem));
    assert.match(answer.headers.get('content-type') ?? '', /^application\/problem\+json/);
    assert.ok(Number(answer.headers.get('retry-after')) > 0, 'a Retry-After in seconds');
    assert.equal(problem.code, 'store-unavailable');

    await assertEachOpenedOnce(alerts);
    assert.deepEqual(
      await deadLettered(
        platform.engines,
        alerts.map((a) => a.id),
      ),
      [],
      'none dead-lettered',
    );
    assert.equal(
      (await redeliveries()) - redeliveredBefore,
      0,
      'the outage spent no delivery: each alert was held in hand, not handed back',
    );
    const held = await metricOf(
      platform.services.incidents!,
      'lgsp_events_held_through_outage_total',
      INTAKE.durable,
    );
    assert.ok(held > 0, 'some alerts met the outage (else this scenario tested nothing)');
    t.diagnostic(`store down: ${held} handler attempts met the outage and were held in hand`);
    assert.deepEqual(
      await reportedFacts(platform.engines, (d) => d.sourceRef === `${run}-http`),
      [],
      'the write answered 503 changed nothing',
    );
  });

  it('records each alert and incident in the audit trail once, and the chain verifies', async () => {
    // A bound (the default 2 min), not a timing: the recorder takes in the outage's backlog, in
    // batches of more than 100 with redeliveries among them (trail.store.ts, INSERT_CHUNK).
    await assertExactlyOnce(platform, storeDownAlerts);
    await assertChainVerifies(platform);
  });
});

/** Resident memory of a process, from /proc (Linux), in bytes. */
function rssOf(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  assert.ok(kb, `no VmRSS for process ${pid}`);
  return Number(kb) * 1024;
}
