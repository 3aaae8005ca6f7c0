import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Connection } from 'mongoose';
import { Webhook } from 'standardwebhooks';
import { unwrap } from '@openlgsp/domain';
import { ensureStreams, EventPublisher } from '@openlgsp/events';
import { openConnection } from '@openlgsp/persistence';
import { startEngines, type Engines } from '@openlgsp/testing';
import { ANY_CHANGE } from '../src/feed/feed.model.js';
import { datasetChange } from '../src/feed/feed.fixtures.js';
import { LeasesRepository } from '../src/webhooks/lease.repository.js';
import { newSigningSecret } from '../src/webhooks/signing.js';
import { SubscriptionsRepository } from '../src/webhooks/subscription.repository.js';
import { subscribeWebhook, type WebhookSubscription } from '../src/webhooks/subscription.rules.js';
import { WebhookWorker, type WorkerOptions } from '../src/webhooks/worker.js';

/**
 * Two delivery workers on one real OPENDATA stream and one FerretDB store, each subscription
 * delivered by its lease's holder to a real local receiver (FEED.md §3: in order per subscription,
 * at least once, duplicates only across a takeover and with the same webhook-id).
 */

/** One receiver per subscription: the webhook-ids it accepted, in arrival order, each verified. */
class Receiver {
  readonly ids: string[] = [];
  private readonly server: Server;

  constructor(private readonly secret: string) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        try {
          new Webhook(this.secret).verify(Buffer.concat(chunks).toString('utf8'), headersOf(req.headers));
          this.ids.push(String(req.headers['webhook-id']));
          res.writeHead(204).end();
        } catch {
          res.writeHead(400).end();
        }
      });
    });
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/opendata`;
  }

  async up(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
  }

  async down(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

function headersOf(h: IncomingHttpHeaders): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k, String(v)]));
}

async function until(what: string, condition: () => boolean | Promise<boolean>, seen: () => unknown) {
  const deadline = Date.now() + 30_000;
  while (!(await condition())) {
    if (Date.now() > deadline) assert.fail(`${what} did not happen; saw ${JSON.stringify(seen())}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * At least once and in order: every published change arrives, none arrives before all the earlier
 * ones have, and a repeat is only ever of one already delivered (a takeover starts again from the
 * stored cursor).
 */
function assertInOrderAtLeastOnce(received: string[], published: string[]): void {
  let reached = -1;
  for (const [n, id] of received.entries()) {
    const at = published.indexOf(id);
    assert.ok(at >= 0, `delivery ${n} (${id}) was not published here`);
    assert.ok(at <= reached + 1, `delivery ${n} skipped ahead to change ${at} after change ${reached}`);
    reached = Math.max(reached, at);
  }
  assert.equal(reached, published.length - 1, `only ${reached + 1} of ${published.length} changes arrived`);
}

describe('webhook delivery by several workers (a lease per subscription)', () => {
  let engines: Engines;
  let nc: NatsConnection;
  let js: JetStreamClient;
  let connection: Connection;
  let subscriptions: SubscriptionsRepository;
  let publisher: EventPublisher;
  const receivers: Receiver[] = [];
  const workers: WebhookWorker[] = [];

  async function publish(count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const event = datasetChange('updated', { ownerAgency: 'SGDDT' });
      await publisher.publish(event);
      ids.push(event.id);
    }
    return ids;
  }

  async function subscribed(): Promise<{ sub: WebhookSubscription; receiver: Receiver }> {
    const secret = newSigningSecret();
    const receiver = new Receiver(secret);
    await receiver.up();
    receivers.push(receiver);
    const jsm = await jetstreamManager(nc);
    const sub = unwrap(
      subscribeWebhook({
        id: `sub-${crypto.randomUUID()}`,
        app: 'app-1',
        url: receiver.url,
        filter: ANY_CHANGE,
        secret,
        cursor: (await jsm.streams.info('OPENDATA')).state.last_seq,
        now: new Date(),
      }),
    );
    await subscriptions.insert(sub);
    return { sub, receiver };
  }

  function worker(holder: string, options: WorkerOptions = {}): WebhookWorker {
    const w = new WebhookWorker(js, subscriptions, {
      allow: ['127.0.0.1'],
      idleWaitMs: 200,
      saveEvery: 5,
      leases: new LeasesRepository(connection),
      holder,
      lease: { ttlMs: 6_000 },
      ...options,
    });
    workers.push(w);
    w.start();
    return w;
  }

  async function holders(ids: string[]): Promise<Record<string, string>> {
    const docs = await connection
      .collection<{ _id: string; holder: string }>('webhook_leases')
      .find({ _id: { $in: ids } })
      .toArray();
    return Object.fromEntries(docs.map((d) => [d._id, d.holder]));
  }

  before(async () => {
    engines = await startEngines();
    nc = await connect({ servers: engines.natsUrl });
    js = jetstream(nc);
    await ensureStreams(await jetstreamManager(nc));
    publisher = new EventPublisher(js, 'opendata');
    connection = await openConnection({ url: engines.mongoUrl });
    subscriptions = new SubscriptionsRepository(connection);
  });

  after(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await Promise.all(receivers.map((r) => r.down()));
    await connection?.close();
    await nc?.drain();
    await engines?.stop();
  });

  it('stores leases so that of two claimants one wins, and only an expired lease changes hands', async () => {
    const leases = new LeasesRepository(connection);
    const id = `sub-${crypto.randomUUID()}`;
    const now = Date.now();
    const claims = await Promise.all([
      leases.claim(id, 'worker-x', now, now + 10_000),
      leases.claim(id, 'worker-y', now, now + 10_000),
    ]);
    assert.deepEqual(claims.filter(Boolean).length, 1, `one claim wins, not ${JSON.stringify(claims)}`);
    const [winner, loser] = claims[0] ? ['worker-x', 'worker-y'] : ['worker-y', 'worker-x'];
    assert.equal(await leases.claim(id, loser, now + 9_999, now + 20_000), false, 'not before it expires');
    assert.equal(await leases.claim(id, winner, now + 5_000, now + 15_000), true, 'its holder renews it');
    await leases.release(id, loser);
    assert.deepEqual(
      (await leases.current()).get(id),
      { holder: winner, until: now + 15_000 },
      'only its holder releases it',
    );
    assert.equal(
      await leases.claim(id, loser, now + 15_000, now + 25_000),
      true,
      'expired, it changes hands',
    );
    assert.equal(
      await leases.claim(id, winner, now + 16_000, now + 26_000),
      false,
      'the old holder cannot renew it',
    );
    await leases.release(id, loser);
    assert.equal((await leases.current()).has(id), false);
  });

  it('shares the subscriptions out and delivers each in order, exactly once when no worker stops', async () => {
    const subs = await Promise.all([subscribed(), subscribed(), subscribed(), subscribed()]);
    const ids = subs.map((s) => s.sub.id);
    const a = worker('worker-a', { lease: { ttlMs: 6_000, maxPerWorker: 2 } });
    const b = worker('worker-b', { lease: { ttlMs: 6_000, maxPerWorker: 2 } });
    await until(
      'both workers holding two subscriptions each',
      () => a.holding().length === 2 && b.holding().length === 2,
      () => [a.holding(), b.holding()],
    );
    assert.deepEqual(
      new Set([...a.holding(), ...b.holding()]),
      new Set(ids),
      'every subscription is held once',
    );
    const stored = await holders(ids);
    for (const id of a.holding()) assert.equal(stored[id], 'worker-a');
    for (const id of b.holding()) assert.equal(stored[id], 'worker-b');

    const published = await publish(25);
    await until(
      'every receiver getting every change',
      () => subs.every((s) => s.receiver.ids.length >= published.length),
      () => subs.map((s) => s.receiver.ids.length),
    );
    for (const { receiver } of subs) assert.deepEqual(receiver.ids, published);

    await Promise.all([a.stop(), b.stop()]);
    assert.deepEqual(await holders(ids), {}, 'stopped workers release their leases');
    for (const id of ids) await subscriptions.remove(id);
  });

  it('lets the other worker take over from the stored cursor when one stops', async () => {
    const { sub, receiver } = await subscribed();
    const a = worker('worker-a2');
    await until(
      'worker a holding the subscription',
      () => a.holding().includes(sub.id),
      () => a.holding(),
    );
    const b = worker('worker-b2');
    const first = await publish(20);
    await until(
      'some deliveries by worker a',
      () => receiver.ids.length >= 5,
      () => receiver.ids.length,
    );
    assert.deepEqual(b.holding(), [], 'worker b waits while worker a holds the lease');

    await a.stop();
    const second = await publish(20);
    await until(
      'worker b taking over',
      () => b.holding().includes(sub.id),
      () => b.holding(),
    );
    await until(
      'every change delivered',
      () => new Set(receiver.ids).size === 40,
      () => receiver.ids.length,
    );
    assertInOrderAtLeastOnce(receiver.ids, [...first, ...second]);
    assert.equal((await holders([sub.id]))[sub.id], 'worker-b2');
    await b.stop();
    await subscriptions.remove(sub.id);
  });

  it('stops delivering the moment a renewal fails, and another worker resumes once the lease expires', async () => {
    const { sub, receiver } = await subscribed();
    const leases = connection.collection<{ _id: string; holder: string; until: number }>('webhook_leases');
    const a = worker('worker-a3', { lease: { ttlMs: 1_500 } });
    await until(
      'worker a holding the subscription',
      () => a.holding().includes(sub.id),
      () => a.holding(),
    );
    const first = await publish(10);
    await until(
      'worker a delivering',
      () => receiver.ids.length === 10,
      () => receiver.ids.length,
    );

    // Another holder took the lease (worker a was cut off from the store past its expiry, say).
    await leases.updateOne(
      { _id: sub.id },
      { $set: { holder: 'worker-elsewhere', until: Date.now() + 600_000 } },
    );
    await until(
      'worker a letting the subscription go',
      () => !a.holding().includes(sub.id),
      () => a.holding(),
    );
    assert.equal((await leases.findOne({ _id: sub.id }))?.holder, 'worker-elsewhere');

    const b = worker('worker-b3', { lease: { ttlMs: 1_500 } });
    const second = await publish(10);
    // The other holder vanished without releasing: its lease expires and a worker claims it.
    await leases.updateOne({ _id: sub.id }, { $set: { until: Date.now() - 1 } });
    await until(
      'every change delivered',
      () => new Set(receiver.ids).size === 20,
      () => receiver.ids.length,
    );
    assertInOrderAtLeastOnce(receiver.ids, [...first, ...second]);
    assert.ok(
      [a, b].some((w) => w.holding().includes(sub.id)),
      'a worker holds it again',
    );
  });
});
