import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DeliverPolicy, jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { EventSource } from 'eventsource';
import { Webhook } from 'standardwebhooks';
import { hashApiKey } from '@openlgsp/auth';
import { EventPublisher, fromNatsMessage, type LgspEvent } from '@openlgsp/events';
import { startService, type ServiceUnderTest } from '@openlgsp/http/testing';
import { freePort, startEngines, type Engines } from '@openlgsp/testing';
import { datasetChange, type ChangeKind } from '../src/feed/feed.fixtures.js';

/**
 * The change feed end to end, as the service serves it: changes published the way the authoring
 * side will reach an SSE client, a verifying webhook receiver and a NATS consumer, once each, in
 * order, in the publisher's trace; and survive a receiver outage, a restart and a disconnect.
 */

const API_KEY = 'feed-test-app-key';
const OTHER_KEY = 'feed-test-other-key';

interface Delivery {
  webhookId: string;
  traceparent: string;
}

/** A subscriber's receiver that verifies every signature with the standardwebhooks library. */
class Receiver {
  readonly received: Delivery[] = [];
  readonly refused: string[] = [];
  secret = '';
  /** Each answer waits this long (a slow receiver). */
  delayMs = 0;
  port = 0;
  private server: Server = this.create();

  private create(): Server {
    return createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        setTimeout(() => {
          try {
            new Webhook(this.secret).verify(Buffer.concat(chunks).toString('utf8'), headersOf(req.headers));
            this.received.push({
              webhookId: String(req.headers['webhook-id']),
              traceparent: String(req.headers['ce-traceparent']),
            });
            res.writeHead(204).end();
          } catch (error) {
            this.refused.push((error as Error).message);
            res.writeHead(400).end();
          }
        }, this.delayMs);
      });
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks/opendata`;
  }

  async up(): Promise<void> {
    // A port of its own that it keeps across down() and up(): an ephemeral one could be taken meanwhile.
    if (this.port === 0) this.port = await freePort();
    await new Promise<void>((r) => this.server.listen(this.port, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async down(): Promise<void> {
    await new Promise((r) => {
      this.server.close(r);
      this.server.closeAllConnections();
    });
    this.server = this.create();
  }

  ids(): string[] {
    return this.received.map((d) => d.webhookId);
  }
}

function headersOf(h: IncomingHttpHeaders): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k, String(v)]));
}

/** Waits for a condition (a bound on a wait, not a timing assertion) and says what it saw instead. */
async function until(
  what: string,
  condition: () => boolean | Promise<boolean>,
  seen: () => unknown,
  waitMs = 30_000,
) {
  const deadline = Date.now() + waitMs;
  while (!(await condition())) {
    if (Date.now() > deadline)
      assert.fail(`${what} did not happen within ${waitMs} ms; saw ${JSON.stringify(seen())}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** An SSE client (the `eventsource` package) recording the feed's changes and its disconnects. */
function sseClient(url: string) {
  const changes: { position: number; event: LgspEvent }[] = [];
  const disconnects: string[] = [];
  const source = new EventSource(url);
  for (const kind of ['published', 'updated', 'retracted'])
    source.addEventListener(`vn.openlgsp.opendata.dataset.${kind}.v1`, (m) =>
      changes.push({ position: Number(m.lastEventId), event: JSON.parse(m.data) as LgspEvent }),
    );
  source.addEventListener('disconnect', (m) => disconnects.push(m.data));
  const errors: string[] = [];
  const opened = new Promise<void>((resolve) => {
    source.onopen = () => resolve();
  });
  source.onerror = (e) => errors.push(String(e.message));
  const seen = () => ({ positions: changes.map((c) => c.position), disconnects, errors });
  return { source, changes, disconnects, opened, seen, ids: () => changes.map((c) => c.event.id) };
}

function traceparent(): { traceId: string; header: string } {
  const traceId = randomUUID().replaceAll('-', '');
  return { traceId, header: `00-${traceId}-${randomUUID().replaceAll('-', '').slice(0, 16)}-01` };
}

describe('the open-data change feed, wired', () => {
  let engines: Engines;
  let sut: ServiceUnderTest;
  let publisher: EventPublisher;
  let keysDir: string;
  /** An external app's connection: the read-only `public` NATS user, on PUBLIC's mirror of OPENDATA. */
  let app: NatsConnection;
  let appJs: JetStreamClient;
  const receiver = new Receiver();

  before(async () => {
    engines = await startEngines();
    keysDir = mkdtempSync(join(tmpdir(), 'feed-keys-'));
    const keysFile = join(keysDir, 'api-keys.json');
    writeFileSync(
      keysFile,
      JSON.stringify([
        { id: 'app-1', sha256: hashApiKey(API_KEY), roles: ['public-app'], rateLimitPerMinute: 10_000 },
        { id: 'app-2', sha256: hashApiKey(OTHER_KEY), roles: ['public-app'], rateLimitPerMinute: 10_000 },
      ]),
    );
    sut = await startService({
      service: 'opendata',
      appModule: async () => (await import('./feed-app.module.js')).FeedAppModule,
      engines,
      env: {
        API_KEYS_FILE: keysFile,
        OUTBOUND_ALLOW_LIST: '127.0.0.1',
        WEBHOOK_WORKER: 'inline',
        WEBHOOK_IDLE_WAIT_MS: '1000',
        WEBHOOK_BASE_DELAY_MS: '200',
        WEBHOOK_MAX_DELAY_MS: '800',
        WEBHOOK_PAUSE_AFTER_FAILURES: '1000',
        FEED_HEARTBEAT_MS: '1000',
        FEED_RETRY_MS: '200',
      },
    });
    publisher = new EventPublisher(sut.js, 'opendata');
    await engines.ensurePublicFeed();
    app = await connect({ servers: engines.natsUrl, ...engines.natsCredentials('public') });
    appJs = jetstream(app);
    await receiver.up();
  });

  after(async () => {
    await receiver.down().catch(() => undefined);
    await app?.close();
    await sut?.stop();
    await engines?.stop();
    rmSync(keysDir, { recursive: true, force: true });
  });

  const asApp = (key = API_KEY) => ({ headers: { 'x-api-key': key } });

  async function lastPosition(): Promise<number> {
    return (await (await sut.js.jetstreamManager()).streams.info('OPENDATA')).state.last_seq;
  }

  /** Publishes as the authoring side will: contract-checked, with the request's traceparent. */
  async function publishChanges(datasetId: string, kinds: ChangeKind[], trace = traceparent().header) {
    const events: LgspEvent[] = [];
    for (const kind of kinds) {
      const event = { ...datasetChange(kind, { datasetId }), traceparent: trace };
      await publisher.publish(event);
      events.push(event);
    }
    return events;
  }

  /** The feed changes of one dataset an external app's JetStream consumer reads after `from`, with the public credentials. */
  async function natsChanges(from: number, datasetId: string, count: number): Promise<LgspEvent[]> {
    const consumer = await appJs.consumers.get('OPENDATA', {
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: from + 1,
    });
    const out: LgspEvent[] = [];
    const end = await lastPosition();
    for await (const m of await consumer.fetch({ max_messages: end - from, expires: 5_000 })) {
      const event = fromNatsMessage(m.headers, m.data);
      if ((event.data as { datasetId?: string }).datasetId === datasetId) out.push(event);
      if (m.seq >= end || out.length === count) break;
    }
    return out;
  }

  let subscriptionId = '';

  it('delivers a publication, an update and a retraction once each, in order, in the publisher’s trace, over SSE, webhooks and NATS', async () => {
    const datasetId = randomUUID();
    const from = await lastPosition();
    const created = await sut.request('POST', '/opendata/subscriptions', {
      ...asApp(),
      body: { url: receiver.url },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.match(created.body.secret, /^whsec_/);
    assert.equal(created.body.cursor, from);
    assert.equal(created.body.secrets, undefined, 'the stored secrets never leave');
    receiver.secret = created.body.secret;
    subscriptionId = created.body.id;

    const sse = sseClient(`${sut.url}/opendata/feed?dataset=${datasetId}`);
    await sse.opened;
    const trace = traceparent();
    const published = await publishChanges(datasetId, ['published', 'updated', 'retracted'], trace.header);
    const ids = published.map((e) => e.id);

    await until('the SSE client got the three changes', () => sse.changes.length >= 3, sse.seen);
    await until(
      'the receiver got the three changes',
      () => receiver.received.length >= 3,
      () => receiver.ids(),
    );
    const nats = await natsChanges(from, datasetId, 3);

    assert.deepEqual(sse.ids(), ids);
    assert.deepEqual(receiver.ids(), ids);
    assert.deepEqual(
      nats.map((e) => e.id),
      ids,
    );
    assert.deepEqual(receiver.refused, []);
    // One trace from the publish to each delivery.
    for (const change of sse.changes) assert.ok(change.event.traceparent?.includes(trace.traceId));
    for (const delivery of receiver.received) assert.ok(delivery.traceparent.includes(trace.traceId));
    for (const event of nats) assert.ok(event.traceparent?.includes(trace.traceId));
    // Positions only grow, and the SSE `id` is the stream's sequence.
    const positions = sse.changes.map((c) => c.position);
    assert.deepEqual(
      positions,
      [...positions].sort((a, b) => a - b),
    );
    sse.source.close();

    const atom = await sut.request('GET', `/opendata/feed.atom?dataset=${datasetId}`);
    assert.equal(atom.status, 200);
    assert.match(atom.headers.get('content-type') ?? '', /application\/atom\+xml/);
    for (const id of ids) assert.ok(String(atom.body).includes(`urn:uuid:${id}`));

    // The worker saves acknowledged changes in batches: the owner sees them once saved.
    const end = await lastPosition();
    let view = await sut.request('GET', `/opendata/subscriptions/${subscriptionId}`, asApp());
    await until(
      'the cursor is saved',
      async () => {
        view = await sut.request('GET', `/opendata/subscriptions/${subscriptionId}`, asApp());
        return view.body.cursor === end;
      },
      () => view.body,
    );
    assert.equal(view.status, 200);
    assert.equal(view.body.status, 'active');
    assert.equal(view.body.log.length, 3);
  });

  it('keeps order and loses nothing while the receiver is down, and shows the backoff to the owner', async () => {
    const before = receiver.received.length;
    await receiver.down();
    const datasetId = randomUUID();
    const ids = (await publishChanges(datasetId, ['published', 'updated', 'updated'])).map((e) => e.id);
    const failed = async () => {
      const view = await sut.request('GET', `/opendata/subscriptions/${subscriptionId}`, asApp());
      return (view.body.log as { delivered: boolean }[]).filter((a) => !a.delivered).length >= 3;
    };
    await until('three failed attempts are logged', failed, () => receiver.ids());
    await receiver.up();
    await until(
      'the receiver got the changes after it came back',
      () => receiver.received.length >= before + 3,
      () => receiver.ids(),
    );

    assert.deepEqual(receiver.ids().slice(before), ids);
    const end = await lastPosition();
    let view = await sut.request('GET', `/opendata/subscriptions/${subscriptionId}`, asApp());
    await until(
      'the cursor is saved',
      async () => {
        view = await sut.request('GET', `/opendata/subscriptions/${subscriptionId}`, asApp());
        return view.body.cursor === end;
      },
      () => view.body,
    );
    const log = view.body.log as {
      delivered: boolean;
      eventId: string;
      error?: string;
      nextAttemptAt?: string;
      at: string;
    }[];
    const failures = log.filter((a) => !a.delivered);
    assert.ok(failures.length >= 3);
    assert.ok(
      failures.every((a) => a.eventId === ids[0] && a.error && a.nextAttemptAt),
      JSON.stringify(failures),
    );
    for (const f of failures)
      assert.ok(Date.parse(f.nextAttemptAt!) >= Date.parse(f.at), 'each failure waits');
    assert.equal(view.body.consecutiveFailures, 0);
  });

  it('loses nothing over a restart mid-delivery: webhook duplicates keep their id, SSE resumes by itself', async () => {
    const sse = sseClient(`${sut.url}/opendata/feed`);
    await sse.opened;
    const before = receiver.received.length;
    receiver.delayMs = 150;
    const datasetId = randomUUID();
    const ids = (
      await publishChanges(datasetId, ['published', 'updated', 'updated', 'updated', 'retracted'])
    ).map((e) => e.id);
    await until(
      'two deliveries arrived',
      () => receiver.received.length >= before + 2,
      () => receiver.ids(),
    );
    await sut.restart();
    await until(
      'every change reached the receiver after the restart',
      () => ids.every((id) => receiver.ids().includes(id)),
      () => receiver.ids(),
    );
    await until(
      'the SSE client resumed and got every change',
      () => sse.changes.length >= 5,
      () => sse.ids(),
    );
    receiver.delayMs = 0;

    const got = receiver.ids().slice(before);
    assert.ok(
      got.every((id) => ids.includes(id)),
      'only these changes were delivered',
    );
    assert.deepEqual([...new Set(got)], ids, 'in order; a repeat carries the same webhook-id');
    assert.ok(sse.disconnects.some((d) => JSON.parse(d).reason === 'shutdown'));
    assert.deepEqual(
      sse.ids(),
      ids,
      'the SSE client resumed after its last position: nothing missing, nothing twice',
    );
    sse.source.close();
  });

  it('refuses a private or loopback webhook URL, and unbounded filters, with problem+json', async () => {
    for (const url of [
      'http://169.254.169.254/latest/meta-data',
      'http://[::1]:8080/hook',
      'http://10.1.2.3/hook',
    ]) {
      const refused = await sut.request('POST', '/opendata/subscriptions', { ...asApp(), body: { url } });
      assert.equal(refused.status, 422, url);
      assert.match(refused.headers.get('content-type') ?? '', /application\/problem\+json/);
      assert.equal(refused.body.code, 'url-not-public');
      assert.deepEqual(
        refused.body.errors.map((e: { path: string }) => e.path),
        ['/url'],
      );
    }
    const many = Array.from({ length: 21 }, () => randomUUID());
    const tooMany = await sut.request('POST', '/opendata/subscriptions', {
      ...asApp(),
      body: { url: receiver.url, filter: { dataset: many } },
    });
    assert.equal(tooMany.status, 400);
    assert.ok(tooMany.body.errors.some((e: { path: string }) => e.path.startsWith('/filter/dataset')));

    const sse = await sut.request(
      'GET',
      `/opendata/feed?theme=${Array(21).fill('EDUC').join(',')}&since=yesterday`,
    );
    assert.equal(sse.status, 400);
    assert.deepEqual(sse.body.errors.map((e: { path: string }) => e.path).sort(), ['?since', '?theme']);
  });

  it('shows and changes a subscription for its owner only', async () => {
    assert.equal((await sut.request('GET', `/opendata/subscriptions/${subscriptionId}`)).status, 401);
    assert.equal(
      (await sut.request('GET', `/opendata/subscriptions/${subscriptionId}`, asApp(OTHER_KEY))).status,
      404,
    );
    const paused = await sut.request('POST', `/opendata/subscriptions/${subscriptionId}/pause`, asApp());
    assert.equal(paused.status, 200);
    assert.equal(paused.body.status, 'paused');
    const resumed = await sut.request('POST', `/opendata/subscriptions/${subscriptionId}/resume`, {
      ...asApp(),
      body: { from: 1 },
    });
    assert.equal(resumed.status, 200);
    assert.equal(resumed.body.cursor, 1);
    const again = await sut.request('POST', `/opendata/subscriptions/${subscriptionId}/resume`, {
      ...asApp(),
      body: {},
    });
    assert.equal(again.status, 409);
    const rotated = await sut.request('POST', `/opendata/subscriptions/${subscriptionId}/secret-rotation`, {
      ...asApp(),
      body: { overlapSeconds: 3600 },
    });
    assert.equal(rotated.status, 200);
    assert.match(rotated.body.secret, /^whsec_/);
    assert.ok(rotated.body.previousSecretUntil);
    assert.equal(
      (await sut.request('DELETE', `/opendata/subscriptions/${subscriptionId}`, asApp())).status,
      204,
    );
    assert.equal(
      (await sut.request('GET', `/opendata/subscriptions/${subscriptionId}`, asApp())).status,
      404,
    );
  });

  it('lists an app’s own subscriptions a page at a time, never another app’s nor a secret', async () => {
    const made: string[] = [];
    // A filter no change matches: nothing is delivered to the shared receiver.
    const body = { url: receiver.url, filter: { dataset: [randomUUID()] } };
    for (let i = 0; i < 3; i++) {
      const created = await sut.request('POST', '/opendata/subscriptions', { ...asApp(OTHER_KEY), body });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      made.push(created.body.id);
    }
    const mine = await sut.request('POST', '/opendata/subscriptions', { ...asApp(), body });
    assert.equal(mine.status, 201);
    try {
      assert.equal((await sut.request('GET', '/opendata/subscriptions')).status, 401);
      const first = await sut.request('GET', '/opendata/subscriptions?limit=2', asApp(OTHER_KEY));
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.equal(first.body.items.length, 2);
      assert.ok(first.body.nextCursor);
      const second = await sut.request(
        'GET',
        `/opendata/subscriptions?limit=2&cursor=${first.body.nextCursor}`,
        asApp(OTHER_KEY),
      );
      assert.equal(second.status, 200);
      assert.equal(second.body.nextCursor, null);
      const listed = [...first.body.items, ...second.body.items];
      assert.deepEqual(listed.map((s: { id: string }) => s.id).sort(), [...made].sort());
      for (const s of listed) {
        assert.equal(s.secrets, undefined, 'no secret is listed');
        assert.equal(s.app, first.body.items[0].app);
      }
      const bad = await sut.request('GET', '/opendata/subscriptions?limit=0', asApp(OTHER_KEY));
      assert.equal(bad.status, 400);
      assert.match(String(bad.headers.get('content-type')), /problem\+json/);
    } finally {
      for (const id of made) await sut.request('DELETE', `/opendata/subscriptions/${id}`, asApp(OTHER_KEY));
      await sut.request('DELETE', `/opendata/subscriptions/${mine.body.id}`, asApp());
    }
  });
});
