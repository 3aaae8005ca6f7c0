import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Webhook } from 'standardwebhooks';
import { unwrap } from '@openlgsp/domain';
import { ensureStreams, EventPublisher } from '@openlgsp/events';
import { freePort, startEngines, type Engines } from '@openlgsp/testing';
import { ANY_CHANGE } from '../src/feed/feed.model.js';
import { datasetChange } from '../src/feed/feed.fixtures.js';
import { parseFeedFilter } from '../src/feed/position.rules.js';
import { deliverWebhook } from '../src/webhooks/deliverer.js';
import { newSigningSecret } from '../src/webhooks/signing.js';
import {
  resumeSubscription,
  subscribeWebhook,
  type DeliveryPolicy,
  type WebhookSubscription,
} from '../src/webhooks/subscription.rules.js';
import { InMemorySubscriptions, WebhookWorker } from '../src/webhooks/worker.js';

/** Webhook deliveries to a receiver on 127.0.0.1 (allow-listed) from a real OPENDATA stream. */

interface Received {
  eventId: string;
  type: string;
  body: unknown;
}

/** A subscriber's receiver: verifies every delivery with the standardwebhooks library. */
class Receiver {
  readonly received: Received[] = [];
  readonly refused: string[] = [];
  answer = 204;
  /** While set, answers wait for it (a slow receiver). */
  gate: Promise<void> | undefined;
  redirectTo: string | undefined;
  private server: Server;
  port = 0;

  constructor(private readonly secret: string) {
    this.server = this.create();
  }

  private create(): Server {
    return createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        await this.gate;
        if (this.redirectTo) {
          res.writeHead(307, { location: this.redirectTo }).end();
          return;
        }
        const body = Buffer.concat(chunks).toString('utf8');
        try {
          const data = new Webhook(this.secret).verify(body, headersOf(req.headers));
          assert.equal(req.headers['content-type'], 'application/json');
          assert.equal(req.headers['webhook-id'], req.headers['ce-id']);
          if (this.answer < 300)
            this.received.push({
              eventId: String(req.headers['ce-id']),
              type: String(req.headers['ce-type']),
              body: data,
            });
          res.writeHead(this.answer).end();
        } catch (error) {
          this.refused.push((error as Error).message);
          res.writeHead(400).end();
        }
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
    await new Promise((r) => this.server.close(r));
    this.server.closeAllConnections();
    this.server = this.create();
  }
}

function headersOf(h: IncomingHttpHeaders): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k, String(v)]));
}

async function until(what: string, condition: () => boolean, seen: () => unknown, waitMs = 20_000) {
  const deadline = Date.now() + waitMs;
  while (!condition()) {
    if (Date.now() > deadline)
      assert.fail(`${what} did not happen within ${waitMs} ms; saw ${JSON.stringify(seen())}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const ALLOW = ['127.0.0.1'];
const policy: DeliveryPolicy = {
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
  pauseAfterFailures: 4,
  maxWaitMs: 24 * 3_600_000,
  logSize: 50,
};

describe('webhook delivery', () => {
  let engines: Engines;
  let nc: NatsConnection;
  let js: JetStreamClient;
  let publisher: EventPublisher;

  /** A fake clock that only sleep() moves, so backoffs of minutes take no time. */
  function fakeTime(onSleep: (ms: number, count: number) => Promise<void> | void = () => undefined) {
    // Starts at the real time: the receiver's library refuses timestamps more than 5 minutes off.
    let now = Date.now();
    const sleeps: number[] = [];
    return {
      sleeps,
      clock: () => new Date(now),
      sleep: async (ms: number) => {
        sleeps.push(ms);
        now += ms;
        await onSleep(ms, sleeps.length);
      },
    };
  }

  async function lastPosition(): Promise<number> {
    return (await (await jetstreamManager(nc)).streams.info('OPENDATA')).state.last_seq;
  }

  async function publish(count: number, ownerAgency = 'SGDDT'): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const event = datasetChange('updated', { ownerAgency });
      await publisher.publish(event);
      ids.push(event.id);
    }
    return ids;
  }

  async function subscription(
    url: string,
    secret: string,
    filter = ANY_CHANGE,
  ): Promise<WebhookSubscription> {
    return unwrap(
      subscribeWebhook({
        id: `sub-${Math.random()}`,
        app: 'app-1',
        url,
        filter,
        secret,
        cursor: await lastPosition(),
        now: new Date(),
      }),
    );
  }

  before(async () => {
    engines = await startEngines({ mongo: false });
    nc = await connect({ servers: engines.natsUrl });
    js = jetstream(nc);
    await ensureStreams(await jetstreamManager(nc));
    publisher = new EventPublisher(js, 'opendata');
  });

  after(async () => {
    await nc?.drain();
    await engines?.stop();
  });

  it('delivers a CloudEvent in binary mode, signed so the receiver library verifies it', async () => {
    const secret = newSigningSecret();
    const receiver = new Receiver(secret);
    await receiver.up();
    try {
      const event = datasetChange('published');
      const result = await deliverWebhook({ url: receiver.url, event, secrets: [secret] }, { allow: ALLOW });
      assert.equal(result.status, 204);
      assert.deepEqual(receiver.received, [{ eventId: event.id, type: event.type, body: event.data }]);
    } finally {
      await receiver.down();
    }
  });

  it('refuses to call a local address that is not allow-listed (SSRF guard)', async () => {
    const secret = newSigningSecret();
    const receiver = new Receiver(secret);
    await receiver.up();
    try {
      const result = await deliverWebhook({
        url: receiver.url,
        event: datasetChange('published'),
        secrets: [secret],
      });
      assert.equal(result.status, undefined);
      assert.match(result.error ?? '', /^refused: /);
      assert.deepEqual(receiver.received, []);
    } finally {
      await receiver.down();
    }
  });

  it('loses nothing while the receiver is down: retries with backoff, then delivers all in order', async () => {
    const secret = newSigningSecret();
    const receiver = new Receiver(secret);
    await receiver.up();
    const url = receiver.url;
    await receiver.down();
    const store = new InMemorySubscriptions();
    const filter = parseFeedFilter({ publisher: 'SGDDT' });
    assert.ok(filter.ok);
    const sub = await subscription(url, secret, filter.value);
    store.put(sub);
    // The receiver comes back after the third backoff.
    const time = fakeTime(async (_ms, count) => {
      if (count === 3) await receiver.up();
    });
    const ids = await publish(3);
    await publish(2, 'STTTT'); // left out by the filter
    ids.push(...(await publish(2)));
    const worker = new WebhookWorker(js, store, {
      policy,
      allow: ALLOW,
      idleWaitMs: 300,
      clock: time.clock,
      sleep: time.sleep,
      random: () => 0.999,
    });
    worker.start();
    try {
      await until(
        'every change delivered',
        () => receiver.received.length >= ids.length,
        () => [receiver.received, store.peek(sub.id), time.sleeps],
      );
      // Acknowledged changes are saved a moment later (the worker saves them in batches).
      const end = await lastPosition();
      await until(
        'the cursor saved',
        () => store.peek(sub.id)!.cursor === end,
        () => store.peek(sub.id),
      );
      const saved = store.peek(sub.id)!;
      assert.deepEqual(
        receiver.received.map((r) => r.eventId),
        ids,
      );
      assert.deepEqual(receiver.refused, []);
      assert.deepEqual(time.sleeps, [999, 1998, 3996], 'exponential backoff (jitter pinned)');
      const failures = saved.log.filter((a) => !a.delivered);
      assert.equal(failures.length, 3);
      assert.ok(failures.every((a) => a.error === 'unreachable' && a.nextAttemptAt));
      assert.deepEqual(
        failures.map((a) => Date.parse(a.nextAttemptAt!) - Date.parse(a.at)),
        [999, 1998, 3996],
      );
      assert.equal(saved.status, 'active');
      assert.equal(saved.consecutiveFailures, 0);
    } finally {
      await worker.stop();
      await receiver.down();
    }
    assert.equal((await store.get(sub.id))!.cursor, await lastPosition());
  });

  it('pauses a subscription that keeps failing, and resumes it from its cursor or a chosen position', async () => {
    const secret = newSigningSecret();
    const receiver = new Receiver(secret);
    receiver.answer = 500;
    await receiver.up();
    const store = new InMemorySubscriptions();
    const sub = await subscription(receiver.url, secret);
    store.put(sub);
    const ids = await publish(3);
    const time = fakeTime();
    const worker = new WebhookWorker(js, store, {
      policy,
      allow: ALLOW,
      idleWaitMs: 300,
      clock: time.clock,
      sleep: time.sleep,
      random: () => 0.5,
    });
    worker.start();
    try {
      await until(
        'the subscription paused',
        () => current().status === 'paused',
        () => current(),
      );
      const stopped = current();
      assert.equal(stopped.paused?.code, 'too-many-failures');
      assert.equal(stopped.cursor, sub.cursor);
      assert.equal(stopped.log.length, policy.pauseAfterFailures);
      assert.deepEqual(
        stopped.log.map((a) => [a.status, a.eventId]),
        stopped.log.map(() => [500, ids[0]]),
      );

      receiver.answer = 204;
      store.put(unwrap(resumeSubscription(stopped)));
      await worker.refresh();
      await until(
        'the changes delivered after resuming',
        () => receiver.received.length >= 3,
        () => current(),
      );
      assert.deepEqual(
        receiver.received.map((r) => r.eventId),
        ids,
      );

      // Resumed from a chosen earlier position, it delivers again; the receiver de-duplicates on the id.
      const again = current();
      store.put({
        ...again,
        status: 'paused',
        paused: { code: 'paused-by-owner', message: 'x', at: again.createdAt },
      });
      store.put(unwrap(resumeSubscription(current(), sub.cursor + 1)));
      await worker.refresh();
      await until(
        'the redelivery',
        () => receiver.received.length >= 5,
        () => receiver.received,
      );
      assert.deepEqual(
        receiver.received.slice(3).map((r) => r.eventId),
        ids.slice(1),
      );
    } finally {
      await worker.stop();
      await receiver.down();
    }

    function current(): WebhookSubscription {
      return store.peek(sub.id)!;
    }
  });
  it('signs with both secrets during a rotation, so receivers with either verify', async () => {
    const old = newSigningSecret();
    const next = newSigningSecret();
    const withOld = new Receiver(old);
    const withNew = new Receiver(next);
    await Promise.all([withOld.up(), withNew.up()]);
    try {
      const event = datasetChange('updated');
      for (const receiver of [withOld, withNew]) {
        const result = await deliverWebhook(
          { url: receiver.url, event, secrets: [next, old] },
          { allow: ALLOW },
        );
        assert.equal(result.status, 204);
        assert.deepEqual(
          receiver.received.map((r) => r.eventId),
          [event.id],
        );
      }
      const afterOverlap = await deliverWebhook(
        { url: withOld.url, event, secrets: [next] },
        { allow: ALLOW },
      );
      assert.equal(afterOverlap.status, 400);
      assert.deepEqual(withOld.refused, ['No matching signature found']);
    } finally {
      await Promise.all([withOld.down(), withNew.down()]);
    }
  });

  it('does not follow a redirect: the signed change goes only to the registered URL', async () => {
    const secret = newSigningSecret();
    const receiver = new Receiver(secret);
    await receiver.up();
    receiver.redirectTo = 'http://127.0.0.1:1/elsewhere';
    try {
      const result = await deliverWebhook(
        { url: receiver.url, event: datasetChange('updated'), secrets: [secret] },
        { allow: ALLOW },
      );
      assert.equal(result.status, undefined);
      assert.equal(result.error, 'redirected (redirects are not followed)');
    } finally {
      await receiver.down();
    }
  });

  it('keeps delivering to other subscriptions while one receiver is slow', async () => {
    const slowSecret = newSigningSecret();
    const fastSecret = newSigningSecret();
    const slow = new Receiver(slowSecret);
    const fast = new Receiver(fastSecret);
    let release!: () => void;
    slow.gate = new Promise((r) => (release = r));
    await Promise.all([slow.up(), fast.up()]);
    const store = new InMemorySubscriptions();
    const slowSub = await subscription(slow.url, slowSecret);
    const fastSub = await subscription(fast.url, fastSecret);
    store.put(slowSub);
    store.put(fastSub);
    const ids = await publish(5);
    const worker = new WebhookWorker(js, store, { policy, allow: ALLOW, idleWaitMs: 300, concurrency: 4 });
    worker.start();
    try {
      await until(
        'the fast receiver served',
        () => fast.received.length >= ids.length,
        () => fast.received,
      );
      assert.deepEqual(
        fast.received.map((r) => r.eventId),
        ids,
      );
      assert.equal(slow.received.length, 0, 'the slow receiver has not answered yet');
      release();
      slow.gate = undefined;
      await until(
        'the slow receiver served',
        () => slow.received.length >= ids.length,
        () => slow.received,
      );
      assert.deepEqual(
        slow.received.map((r) => r.eventId),
        ids,
      );
    } finally {
      release();
      await worker.stop();
      await Promise.all([slow.down(), fast.down()]);
    }
  });

  it('stops promptly while a subscription waits out a long backoff', async () => {
    const secret = newSigningSecret();
    const receiver = new Receiver(secret);
    await receiver.up();
    const url = receiver.url;
    await receiver.down();
    const store = new InMemorySubscriptions();
    const sub = await subscription(url, secret);
    store.put(sub);
    await publish(1);
    const worker = new WebhookWorker(js, store, {
      policy: { ...policy, baseDelayMs: 3_600_000, maxDelayMs: 3_600_000 },
      allow: ALLOW,
      idleWaitMs: 300,
      random: () => 0.999,
    });
    worker.start();
    await until(
      'the first failure',
      () => store.peek(sub.id)!.consecutiveFailures === 1,
      () => store.peek(sub.id),
    );
    let stopped = false;
    const stopping = worker.stop().then(() => (stopped = true));
    await until(
      'the worker stopped',
      () => stopped,
      () => store.peek(sub.id),
    );
    await stopping;
    assert.equal(store.peek(sub.id)!.consecutiveFailures, 1, 'no attempt after stop');
  });
});
