import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { waitFor as waitForValue } from '@openlgsp/http/testing';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import type { MsgHdrs } from '@nats-io/transport-node';
import { auditFilesIn } from './platform.js';
import { issueToken, localKeys, type LocalKeys, type Role } from '@openlgsp/auth';
import { createEvent, fromNatsMessage, toNatsMessage, type LgspEvent } from '@openlgsp/events';
import {
  readMessages,
  startEngines,
  startServiceProcess,
  type Engines,
  type ServiceProcess,
} from '@openlgsp/testing';

/**
 * The fault-injection suite's platform: real engines, and the audit and incidents services each as
 * its own OS process (so that `kill()` is a real `kill -9`), and what every scenario measures — an
 * alert burst over NATS counted end to end in the audit trail and on the INCIDENTS stream.
 */
export const AGENCY = 'SNN';
export const ALERT_SUBJECT = `lgsp.intake.${AGENCY}.incidents.alert.raised`;
const SOURCE = '/agencies/SNN/edr';
const REPORTED = 'vn.openlgsp.incidents.incident.reported.v1';
const ALERT_RAISED = 'vn.openlgsp.incidents.alert.raised.v1';

export interface FaultPlatform {
  engines: Engines;
  /** audit, incidents; and a second instance of each when asked for (`audit2`, `incidents2`). */
  services: Record<string, ServiceProcess>;
  /** Starts one more process of `service` as `services[name]` (audit's settings are the suite's). */
  start(name: string, service: string, env?: Record<string, string>): Promise<ServiceProcess>;
  /** A scratch folder of the platform's, removed at `stop()`. */
  dir: string;
  token(agency: string, roles: Role[]): Promise<string>;
  stop(): Promise<void>;
}

export interface FaultPlatformOptions {
  /** Two instances of each service started (`audit2`, `incidents2`, ...), or of those named. */
  twins?: boolean | string[];
  /** The services started, audit first (default: audit and incidents). */
  services?: string[];
  /** Settings of a service's processes, by service. */
  env?: Record<string, Record<string, string>>;
}

export async function startFaultPlatform(opts: FaultPlatformOptions = {}): Promise<FaultPlatform> {
  const engines = await startEngines();
  const dir = mkdtempSync(join(tmpdir(), 'lgsp-faults-'));
  const keys: LocalKeys = await localKeys(join(dir, 'keys'));
  const common = { AUTH_PUBLIC_KEY_FILE: keys.publicKeyPath };
  const audit = {
    ...common,
    ...auditFilesIn(dir),
    // A recorder killed with messages in hand gets them back after this, not after 30 s.
    AUDIT_ACK_WAIT_MS: '5000',
  };
  const services: Record<string, ServiceProcess> = {};
  const stop = async () => {
    for (const s of Object.values(services).reverse()) await s.dispose().catch(() => undefined);
    await engines.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  const start = async (name: string, service: string, env: Record<string, string> = {}) =>
    (services[name] = await startServiceProcess({
      service,
      engines,
      env: {
        ...common,
        ...(service === 'audit' ? audit : {}),
        // The instances of opendata keep files in one place, as they would on shared storage.
        ...(service === 'opendata' ? { STORAGE_DIR: join(dir, 'opendata-files') } : {}),
        ...opts.env?.[service],
        ...env,
      },
    }));
  try {
    const names = opts.services ?? ['audit', 'incidents'];
    const twins = opts.twins === true ? names : opts.twins || [];
    // A service and its twin start side by side; one pair at a time, since the shared cores of a
    // development machine start six at once slower than the harness waits for one.
    for (const service of names) {
      const starts = await Promise.allSettled([
        start(service, service),
        ...(twins.includes(service) ? [start(`${service}2`, service)] : []),
      ]);
      // Both settled before stop() disposes them: a failed start leaves no process behind.
      const failed = starts.find((s) => s.status === 'rejected');
      if (failed) throw failed.reason;
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    engines,
    services,
    start,
    dir,
    token: (agency, roles) =>
      issueToken({ sub: `${agency.toLowerCase()}-officer`, agency, roles, ttl: '1h' }, keys.privateKey, {
        issuer: 'openlgsp-local',
        audience: 'openlgsp',
      }),
    stop,
  };
}

/** One alert of a burst: its own indicators, so that each opens an incident of its own. */
export function alertOf(run: string, i: number, description = 'EDR: mã độc trên máy trạm.'): LgspEvent {
  const ref = `${run}-${i}`;
  return createEvent(
    'vn.openlgsp.incidents.alert.raised.v1',
    {
      sourceRef: ref,
      category: 'malicious-code/infected-system',
      severity: 'medium',
      detectedAt: new Date(Date.now() - 60_000).toISOString(),
      description,
      observables: [{ type: 'domain', value: `${ref}.faults.example`, tlp: 'GREEN' }],
      contact: { name: 'Phòng CNTT' },
    },
    { source: SOURCE, agency: AGENCY, actor: 'snn-edr', subject: ref },
  );
}

/**
 * The producer's side of a burst: each alert published until JetStream acknowledges it (the same
 * `Nats-Msg-Id` every time, so a retry after a lost acknowledgement is one message). `between(i)`
 * runs before the i-th publish: that is where a scenario injects its fault, mid-burst.
 */
export async function sendBurst(
  engines: Engines,
  alerts: LgspEvent[],
  between: (i: number) => Promise<void> = async () => undefined,
): Promise<void> {
  const nc = await connect({
    servers: engines.natsUrl,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
  });
  try {
    const js = jetstream(nc, { timeout: 2_000 });
    for (const [i, alert] of alerts.entries()) {
      await between(i);
      const { headers, body } = toNatsMessage(alert);
      const deadline = Date.now() + 60_000;
      for (;;) {
        try {
          await js.publish(ALERT_SUBJECT, body, { headers, msgID: alert.id });
          break;
        } catch (err) {
          if (Date.now() > deadline) throw err;
          await sleep(250);
        }
      }
    }
  } finally {
    await nc.close();
  }
}

export interface Entry {
  eventId?: string;
  subject?: string;
  stream: string;
  type?: string;
}

export interface Count {
  /** Alerts recorded in the trail, by id: each should be 1. */
  alertsRecorded: Map<string, number>;
  /** incident.reported on the INCIDENTS stream, by the alert's sourceRef: each should be 1. */
  incidentsReported: Map<string, number>;
  /** Those incident.reported in the trail, by event id: each should be 1. */
  factsRecorded: Map<string, number>;
  /** Events of the INCIDENTS stream about these alerts that are not one incident.reported each. */
  otherFacts: string[];
}

/** Every entry of one stream and type, read through audit's API (GET /audit/entries, page by page). */
export async function trailOf(
  platform: FaultPlatform,
  audit: ServiceProcess,
  stream: string,
  type: string,
  subject?: string,
) {
  const auditor = await platform.token('TTRA', ['auditor']);
  const entries: Entry[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({
      stream,
      type,
      limit: '200',
      ...(subject ? { subject } : {}),
      ...(cursor ? { cursor } : {}),
    });
    const answer = await fetch(`${audit.url}/audit/entries?${query}`, {
      headers: { authorization: `Bearer ${auditor}` },
    });
    const page = (await answer.json()) as { items: Entry[]; nextCursor: string | null };
    assert.equal(answer.status, 200, JSON.stringify(page));
    entries.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return entries;
}

/** What the platform did with a burst, read from the audit trail (its API) and the INCIDENTS stream. */
export async function countBurst(
  platform: FaultPlatform,
  alerts: LgspEvent[],
  audit = platform.services.audit!,
): Promise<Count> {
  const refs = new Set(alerts.map((a) => (a.data as { sourceRef: string }).sourceRef));
  const nc: NatsConnection = await connect({ servers: platform.engines.natsUrl });
  const facts: LgspEvent[] = [];
  try {
    for (const m of await readMessages(jetstream(nc), 'INCIDENTS')) {
      const event = fromNatsMessage(m.headers, m.data);
      if (refs.has((event.data as { sourceRef?: string } | undefined)?.sourceRef ?? '')) facts.push(event);
    }
  } finally {
    await nc.close();
  }
  const tally = (keys: string[], entries: Entry[]) =>
    new Map(keys.map((k) => [k, entries.filter((e) => e.eventId === k).length]));
  const reported = facts.filter((f) => f.type === REPORTED);
  return {
    alertsRecorded: tally(
      alerts.map((a) => a.id),
      await trailOf(platform, audit, 'INTAKE', ALERT_RAISED),
    ),
    incidentsReported: new Map(
      [...refs].map((r) => [
        r,
        reported.filter((f) => (f.data as { sourceRef: string }).sourceRef === r).length,
      ]),
    ),
    factsRecorded: tally(
      reported.map((f) => f.id),
      await trailOf(platform, audit, 'INCIDENTS', REPORTED),
    ),
    otherFacts: facts.filter((f) => f.type !== REPORTED).map((f) => `${f.type} ${f.id}`),
  };
}

const complete = (c: Count) =>
  [...c.alertsRecorded.values(), ...c.incidentsReported.values(), ...c.factsRecorded.values()].every(
    (n) => n >= 1,
  );

/**
 * Waits (a generous bound, not a timing assertion) until every alert and its incident are in the
 * trail, then asserts each was recorded exactly once, opened exactly one incident, and that nothing
 * else happened to them; returns how many alerts were counted.
 */
export async function assertExactlyOnce(
  platform: FaultPlatform,
  alerts: LgspEvent[],
  audit = platform.services.audit!,
  waitMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + waitMs;
  let count = await countBurst(platform, alerts, audit);
  while (!complete(count) && Date.now() < deadline) {
    await sleep(1_000);
    count = await countBurst(platform, alerts, audit);
  }
  const off = (what: string, m: Map<string, number>) => {
    const wrong = [...m].filter(([, n]) => n !== 1);
    const missing = wrong.filter(([, n]) => n === 0).length;
    assert.equal(
      wrong.length,
      0,
      `${what}: ${missing} of ${m.size} missing, ${wrong.length - missing} more than once ` +
        `(e.g. ${JSON.stringify(wrong.slice(0, 3))})`,
    );
  };
  off('alerts in the audit trail', count.alertsRecorded);
  off('incidents opened by the alerts', count.incidentsReported);
  assert.equal(count.factsRecorded.size, alerts.length);
  off('incident.reported in the audit trail', count.factsRecorded);
  assert.deepEqual(count.otherFacts, [], 'nothing else happened to these alerts');
}

/** GET /audit/verification on `audit`: the whole chain verifies. */
export async function assertChainVerifies(platform: FaultPlatform, audit = platform.services.audit!) {
  const answer = await fetch(`${audit.url}/audit/verification`, {
    headers: { authorization: `Bearer ${await platform.token('STTTT', ['dic'])}` },
  });
  const body = (await answer.json()) as { ok: boolean; entriesChecked: number };
  assert.equal(answer.status, 200, JSON.stringify(body));
  assert.equal(body.ok, true, JSON.stringify(body));
  return body;
}

/** One message published as is (a poison message: any bytes, any headers), once JetStream has it. */
export async function publishRaw(
  engines: Engines,
  subject: string,
  body: Uint8Array,
  headers: MsgHdrs | undefined,
  msgID: string,
): Promise<void> {
  const nc = await connect({ servers: engines.natsUrl });
  try {
    await jetstream(nc).publish(subject, body, { ...(headers ? { headers } : {}), msgID });
  } finally {
    await nc.close();
  }
}

export interface Rejection {
  eventId: string;
  natsSubject?: string;
  reasons: { code: string; message: string }[];
  rejectedBy: string;
}

/** The rejections told to `agency` on lgsp.rejected.<agency> about these event ids, as they are now. */
export async function rejectionsOf(engines: Engines, agency: string, ids: string[]): Promise<Rejection[]> {
  const nc = await connect({ servers: engines.natsUrl });
  try {
    return (await readMessages(jetstream(nc), 'REJECTED'))
      .filter((m) => m.subject === `lgsp.rejected.${agency}`)
      .map((m) => fromNatsMessage(m.headers, m.data).data as Rejection)
      .filter((r) => ids.includes(r.eventId));
  } finally {
    await nc.close();
  }
}

/** Entries of the trail of one stream and type, and subject if given (GET /audit/entries). */
export async function entriesAbout(
  platform: FaultPlatform,
  stream: string,
  type: string,
  subject?: string,
): Promise<Entry[]> {
  return (await trailOf(platform, platform.services.audit!, stream, type, subject)) as Entry[];
}

/** A run id unique to this scenario, so that its alerts are told from every other's. */
export const runId = (name: string) => `${name}-${randomUUID().slice(0, 8)}`;

/** Every event on `stream` as it is now, with the NATS subject it was published on. */
export async function eventsOn(
  engines: Engines,
  stream: string,
): Promise<{ on: string; event: LgspEvent }[]> {
  const nc = await connect({ servers: engines.natsUrl });
  try {
    return (await readMessages(jetstream(nc), stream)).map((m) => ({
      on: m.subject,
      event: fromNatsMessage(m.headers, m.data),
    }));
  } finally {
    await nc.close();
  }
}

/** Events published on intake subjects until JetStream acknowledges each (the same `Nats-Msg-Id` on a retry). */
export async function publishIntake(
  engines: Engines,
  items: { on: string; event: LgspEvent }[],
): Promise<void> {
  const nc = await connect({ servers: engines.natsUrl });
  try {
    const js = jetstream(nc, { timeout: 5_000 });
    for (const { on, event } of items) {
      const { headers, body } = toNatsMessage(event);
      await js.publish(on, body, { headers, msgID: event.id });
    }
  } finally {
    await nc.close();
  }
}

/** The sum of a metric's series starting with `prefix` on one instance's /<service>/metrics. */
export async function metricSum(instance: ServiceProcess, prefix: string): Promise<number> {
  const text = await (await fetch(`${instance.url}/${instance.service}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(prefix))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

/**
 * Polls `probe` until it answers something (a generous bound, not a timing assertion), every 250 ms:
 * many probes read the audit trail, a scan on FerretDB.
 */
export const waitFor = <T>(what: string, probe: () => Promise<T | undefined>, ms = 60_000): Promise<T> =>
  waitForValue(what, probe, ms, 250);

export interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}
/** One HTTP call to an instance, its body parsed when JSON. */
export async function call(
  on: ServiceProcess,
  method: string,
  path: string,
  token: string,
  body?: unknown,
  type = 'application/json',
): Promise<Answer> {
  const answer = await fetch(`${on.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': type } : {}) },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await answer.text();
  return {
    status: answer.status,
    body: text && answer.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text,
  };
}
export function expectStatus(answer: Answer, status: number, what: string) {
  assert.equal(answer.status, status, `${what}: ${JSON.stringify(answer.body)}`);
  return answer.body;
}
/**
 * An entry listed: proposal → compilation → decision, each step on the other of `instances` than the
 * step before (a single instance does all three).
 */
export async function listEntry(
  platform: FaultPlatform,
  instances: ServiceProcess[],
  i: number,
  content: object,
): Promise<string> {
  const a = instances[i % instances.length]!;
  const b = instances[(i + 1) % instances.length]!;
  const proposed = expectStatus(
    await call(a, 'POST', '/catalogue/entries/proposals', await platform.token('STNMT', ['provider']), {
      content,
      justification: 'Phục vụ thủ tục liên thông',
    }),
    201,
    'proposal',
  );
  const step = `/catalogue/entries/${proposed.entryId}/proposals/${proposed.proposalId}`;
  const dic = await platform.token('STTTT', ['dic']);
  expectStatus(await call(b, 'POST', `${step}/compilation`, dic, { note: 'đủ hồ sơ' }), 204, 'compilation');
  const committee = await platform.token('UBND', ['committee']);
  const decision = { outcome: 'approved', decisionRef: `${i}/QĐ-UBND` };
  expectStatus(await call(a, 'POST', `${step}/decision`, committee, decision), 204, 'decision');
  return proposed.entryId as string;
}

/** incident.reported facts on the INCIDENTS stream whose data matches `where`. */
export async function reportedFacts(
  engines: Engines,
  where: (data: { incidentId?: string; sourceRef?: string }) => boolean,
): Promise<LgspEvent[]> {
  const nc = await connect({ servers: engines.natsUrl });
  try {
    return (await readMessages(jetstream(nc), 'INCIDENTS'))
      .map((m) => fromNatsMessage(m.headers, m.data))
      .filter((e) => e.type === REPORTED && where(e.data as { incidentId?: string; sourceRef?: string }));
  } finally {
    await nc.close();
  }
}

/**
 * Waits (a bound, not a timing assertion) until each incident has its incident.reported on the
 * stream and in the trail, then asserts: exactly one fact each, each recorded exactly once.
 */
export async function assertReportedOnce(
  platform: FaultPlatform,
  incidentIds: string[],
  waitMs = 120_000,
): Promise<void> {
  const wanted = new Set(incidentIds);
  const count = async () => {
    const facts = await reportedFacts(platform.engines, (d) => wanted.has(d.incidentId ?? ''));
    const trail = await trailOf(platform, platform.services.audit!, 'INCIDENTS', REPORTED);
    return {
      facts: incidentIds.map(
        (id) => facts.filter((f) => (f.data as { incidentId: string }).incidentId === id).length,
      ),
      recorded: facts.map((f) => trail.filter((e) => e.eventId === f.id).length),
    };
  };
  const deadline = Date.now() + waitMs;
  let c = await count();
  while ((c.facts.some((n) => n === 0) || c.recorded.some((n) => n === 0)) && Date.now() < deadline) {
    await sleep(1_000);
    c = await count();
  }
  const summary = (ns: number[]) =>
    `${ns.filter((n) => n === 0).length} missing, ${ns.filter((n) => n > 1).length} more than once`;
  assert.ok(
    c.facts.every((n) => n === 1),
    `incident.reported per incident: ${summary(c.facts)}`,
  );
  assert.ok(
    c.recorded.every((n) => n === 1),
    `incident.reported in the trail: ${summary(c.recorded)}`,
  );
}

/** The events of the DLQ stream whose `ce-id` is one of `ids` (dead-lettered instead of handled). */
export async function deadLettered(engines: Engines, ids: string[]): Promise<string[]> {
  const wanted = new Set(ids);
  const nc = await connect({ servers: engines.natsUrl });
  try {
    return (await readMessages(jetstream(nc), 'DLQ'))
      .map((m) => m.headers?.get('ce-id') ?? '')
      .filter((id) => wanted.has(id));
  } finally {
    await nc.close();
  }
}

/** One counter or gauge of a service's /metrics for one consumer (0 when not yet counted). */
export async function metricOf(service: ServiceProcess, name: string, consumer: string): Promise<number> {
  const answer = await fetch(`${service.url}/${service.service}/metrics`);
  const text = await answer.text();
  assert.equal(answer.status, 200, text.slice(0, 200));
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(`consumer="${consumer}"`));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}
