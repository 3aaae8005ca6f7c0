import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as wait } from 'node:timers/promises';
import {
  DeliverPolicy,
  type Consumer,
  type ConsumerMessages,
  type JetStreamClient,
  type JsMsg,
} from '@nats-io/jetstream';
import { fromNatsMessage, type LgspEvent } from '@openlgsp/events';
import { ConnectionPool, type GuardOptions } from '@openlgsp/net';
import { FEED_STREAM } from '../feed/feed.model.js';
import { matchesFilter } from '../feed/position.rules.js';
import { deliverWebhook, type DeliveryRequest, type DeliveryResult } from './deliverer.js';
import { InMemoryLeases, type LeaseStore } from './lease.repository.js';
import {
  claimedLease,
  claimOrder,
  DEFAULT_LEASE_POLICY,
  mayClaim,
  renewEveryMs,
  stillHolds,
  type LeasePolicy,
} from './lease.rules.js';
import { secretsInUse } from './signing.js';
import {
  DEFAULT_DELIVERY_POLICY,
  passOver,
  recordAttempt,
  type DeliveryPolicy,
  type Random,
  type WebhookSubscription,
} from './subscription.rules.js';

/**
 * Where subscriptions live. `save` is guarded: it writes `next` only if the stored subscription is
 * still `expected` (a revision check in MongoDB), so an owner's pause or resume made meanwhile wins
 * over the worker's write, and the worker reloads.
 */
export interface SubscriptionStore {
  active(): Promise<WebhookSubscription[]>;
  get(id: string): Promise<WebhookSubscription | undefined>;
  save(next: WebhookSubscription, expected: WebhookSubscription): Promise<boolean>;
}

/** A store in memory: for tests, and a single worker until the MongoDB repository exists. */
export class InMemorySubscriptions implements SubscriptionStore {
  private readonly byId = new Map<string, WebhookSubscription>();
  put(sub: WebhookSubscription): void {
    this.byId.set(sub.id, sub);
  }
  peek(id: string): WebhookSubscription | undefined {
    return this.byId.get(id);
  }
  async active(): Promise<WebhookSubscription[]> {
    return [...this.byId.values()].filter((s) => s.status === 'active');
  }
  async get(id: string): Promise<WebhookSubscription | undefined> {
    return this.byId.get(id);
  }
  async save(next: WebhookSubscription, expected: WebhookSubscription): Promise<boolean> {
    if (this.byId.get(next.id) !== expected) return false;
    this.byId.set(next.id, next);
    return true;
  }
}

export interface WorkerOptions {
  stream?: string;
  policy?: DeliveryPolicy;
  /** Deliveries in flight at once, across subscriptions (each subscription has at most one). */
  concurrency?: number;
  /** How often the store is re-read for new or resumed subscriptions; an idle read waits as long (1 s at least). */
  idleWaitMs?: number;
  /** Changes a subscription's consumer reads ahead of the one being delivered. */
  batch?: number;
  /**
   * Acknowledged or passed-over changes are saved (cursor and log) every this many, or after flushMs,
   * and whenever the flow pauses for flushMs; a failure is saved at once. A crash re-delivers at most
   * that window, with the same ids (at least once); one write per change would bound the drain to the
   * store's guarded-write rate.
   */
  saveEvery?: number;
  flushMs?: number;
  /** Receivers let through the SSRF guard although not public (tests: their local receiver). */
  allow?: GuardOptions['allow'];
  clock?: () => Date;
  /** Waits out a backoff; resolves early when `signal` aborts (the worker stops). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  random?: Random;
  deliver?: (request: DeliveryRequest) => Promise<DeliveryResult>;
  /** A subscription's loop failed (the stream or the store); it restarts at the next refresh. */
  onError?: (error: unknown, subscriptionId: string) => void;
  /** Who delivers which subscription when several workers run; in memory, this worker alone. */
  leases?: LeaseStore;
  lease?: Partial<LeasePolicy>;
  /** This worker as a lease holder: unique per start. */
  holder?: string;
  /** The real time leases expire by (epoch ms), shared by the workers; not `clock`, which tests move. */
  leaseClock?: () => number;
}

/**
 * The webhook delivery worker, a process path apart from the API: for each active subscription a
 * loop reads the OPENDATA stream after its cursor (one ordered consumer, reading ahead) and delivers
 * each matching change in order, one per POST over a kept-alive connection, retrying with backoff
 * until it is acknowledged or the subscription pauses. A slow or failing receiver only holds up its
 * own loop; a bounded pool caps the deliveries in flight.
 */
export class WebhookWorker {
  private readonly options: Required<Omit<WorkerOptions, 'allow' | 'deliver' | 'lease'>>;
  private readonly leasePolicy: LeasePolicy;
  /** Subscriptions being claimed: a second refresh meanwhile leaves them alone. */
  private readonly claiming = new Set<string>();
  /** JetStream refuses a pull that expires sooner than 1 s. */
  private readonly readWaitMs: number;
  private readonly deliver: (request: DeliveryRequest) => Promise<DeliveryResult>;
  private readonly loops = new Map<string, Promise<void>>();
  private readonly slots: Semaphore;
  private running = false;
  private stopping = new AbortController();
  private refresher: Promise<void> | undefined;
  /** Connections to receivers, reused while the worker runs (each call still passes the SSRF guard). */
  private pool: ConnectionPool | undefined;

  constructor(
    private readonly js: JetStreamClient,
    private readonly store: SubscriptionStore,
    options: WorkerOptions = {},
  ) {
    this.options = {
      stream: options.stream ?? FEED_STREAM,
      policy: options.policy ?? DEFAULT_DELIVERY_POLICY,
      concurrency: options.concurrency ?? 32,
      idleWaitMs: options.idleWaitMs ?? 5_000,
      batch: options.batch ?? 100,
      saveEvery: options.saveEvery ?? 100,
      flushMs: options.flushMs ?? 250,
      clock: options.clock ?? (() => new Date()),
      sleep: options.sleep ?? ((ms, signal) => wait(ms, undefined, { signal }).catch(() => undefined)),
      random: options.random ?? Math.random,
      onError:
        options.onError ??
        ((error, id) => console.error(`webhook subscription ${id}: delivery loop failed, restarting`, error)),
      leases: options.leases ?? new InMemoryLeases(),
      holder: options.holder ?? `${hostname()}/${process.pid}/${randomUUID()}`,
      leaseClock: options.leaseClock ?? Date.now,
    };
    this.leasePolicy = { ...DEFAULT_LEASE_POLICY, ...options.lease };
    this.readWaitMs = Math.max(1_000, this.options.idleWaitMs);
    const clock = this.options.clock;
    this.deliver =
      options.deliver ??
      ((request) =>
        deliverWebhook(request, { allow: options.allow, clock, ...(this.pool ? { pool: this.pool } : {}) }));
    this.slots = new Semaphore(this.options.concurrency);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopping = new AbortController();
    this.pool = new ConnectionPool({ maxOrigins: 1_024 });
    this.refresher = (async () => {
      while (this.running) {
        await this.refresh().catch(() => undefined);
        await new Promise((r) => setTimeout(r, this.options.idleWaitMs).unref());
      }
    })();
  }

  /** The subscriptions this worker delivers now (it holds their leases). */
  holding(): string[] {
    return [...this.loops.keys()];
  }

  /** Looks for new or resumed subscriptions now (the API's own, inline worker: as they are made). */
  wake(): void {
    void this.refresh().catch(() => undefined);
  }

  /**
   * Starts a loop for each active subscription that has none here (new or resumed ones, or ones
   * another worker let go) and whose lease this worker claims, up to its cap.
   */
  async refresh(): Promise<void> {
    if (!this.running) return;
    const active = await this.store.active();
    const leases = await this.options.leases.current();
    const now = this.options.leaseClock();
    // Only the free or expired leases: one read, rather than a refused claim per subscription another worker holds.
    const unheld = active.filter(
      (s) =>
        !this.loops.has(s.id) &&
        !this.claiming.has(s.id) &&
        mayClaim(leases.get(s.id), this.options.holder, now),
    );
    const order = claimOrder(
      unheld,
      this.loops.size + this.claiming.size,
      this.leasePolicy,
      this.options.random,
    );
    for (const { id } of order) {
      if (this.loops.size + this.claiming.size >= this.leasePolicy.maxPerWorker) break;
      if (!this.running || this.loops.has(id) || this.claiming.has(id)) continue;
      this.claiming.add(id);
      try {
        const lease = await this.claim(id);
        if (!lease || !this.running) {
          if (lease) await this.release(id, lease);
          continue;
        }
        const loop = this.run(id, lease)
          .catch((error: unknown) => this.options.onError(error, id))
          .finally(() => this.loops.delete(id));
        this.loops.set(id, loop);
      } finally {
        this.claiming.delete(id);
      }
    }
  }

  /** Claims (or renews) a subscription's lease; undefined when another worker holds it. */
  private async claim(id: string, held?: HeldLease): Promise<HeldLease | undefined> {
    const now = this.options.leaseClock();
    const { until } = claimedLease(this.options.holder, now, this.leasePolicy);
    if (!(await this.options.leases.claim(id, this.options.holder, now, until))) return undefined;
    if (!held) return new HeldLease(until, this.stopping.signal);
    held.until = until;
    return held;
  }

  private async release(id: string, lease: HeldLease): Promise<void> {
    if (!lease.lost) await this.options.leases.release(id, this.options.holder).catch(() => undefined);
  }

  /** Stops reading; deliveries in flight finish, and their outcome is saved. */
  async stop(): Promise<void> {
    this.running = false;
    this.stopping.abort();
    await this.refresher;
    await Promise.all(this.loops.values());
    const pool = this.pool;
    this.pool = undefined;
    await pool?.close();
  }

  /**
   * One subscription's loop, while this worker holds its lease: renewed every third of the TTL; a
   * renewal that fails (another worker took it, the store is out of reach) stops the loop at once.
   */
  private async run(id: string, lease: HeldLease): Promise<void> {
    let reader: ChangeReader | undefined;
    const renewing = setInterval(() => {
      if (lease.renewal || lease.lost) return;
      lease.renewal = this.claim(id, lease)
        .then((renewed) => void (renewed ?? lease.lose()))
        .catch(() => lease.lose())
        .finally(() => (lease.renewal = undefined));
    }, renewEveryMs(this.leasePolicy));
    renewing.unref();
    try {
      while (this.holds(lease)) {
        // Reloaded whenever the loop was idle or a save lost: the owner may have paused it or moved its cursor.
        const stored = await this.store.get(id);
        if (stored?.status !== 'active') return;
        if (reader?.after !== stored.cursor) {
          await reader?.close();
          reader = await this.reader(stored.cursor, lease.signal);
        }
        await this.drain(new Held(stored, lease), reader);
      }
    } finally {
      clearInterval(renewing);
      // A renewal landing after the release would hold the lease for nothing until it expires.
      await lease.renewal;
      await reader?.close();
      await this.release(id, lease);
    }
  }

  /** Delivering goes on while the worker runs and still holds the subscription's lease. */
  private holds(lease: HeldLease): boolean {
    if (lease.lost) return false;
    if (!stillHolds(lease, this.options.leaseClock())) lease.lose();
    return this.running && !lease.lost;
  }

  /**
   * An ordered consumer reading the stream after `cursor`, kept while the subscription's loop runs:
   * it prefetches the next changes while one is delivered, and an idle subscription keeps it rather
   * than creating one per read. It is replaced only when the cursor moves elsewhere (a resume from a
   * chosen position, a change that failed, a save that lost to the owner's).
   */
  private async reader(cursor: number, signal: AbortSignal): Promise<ChangeReader> {
    const consumer = await this.js.consumers.get(this.options.stream, {
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: cursor + 1,
    });
    const messages = await consumer.consume({ max_messages: this.options.batch });
    return new ChangeReader(consumer, messages, cursor, signal);
  }

  /**
   * Delivers the changes as they come, one at a time and in order, until none came for a read wait
   * (the loop then reloads the subscription), the subscription stops at a change (failing, paused),
   * a save loses to an owner's change, or the worker stops. What it acknowledged is saved on leaving.
   */
  private async drain(held: Held, reader: ChangeReader): Promise<void> {
    try {
      while (this.holds(held.lease) && !held.lost) {
        // A pause in the flow saves what was acknowledged, so a quiet subscription's cursor is current.
        let change = await reader.next(this.options.flushMs);
        if (change === undefined) {
          await this.flush(held);
          change = await reader.next(this.readWaitMs);
        }
        if (change === undefined) return;
        const sub = await this.handle(held, change);
        if (sub?.status !== 'active' || sub.cursor !== change.position) return;
      }
    } finally {
      await this.flush(held);
    }
  }

  /** One change for one subscription: passed over, or attempted until delivered or paused. */
  private async handle(held: Held, change: Change): Promise<WebhookSubscription | undefined> {
    let sub = held.current;
    if (!change.event || !matchesFilter(sub.filter, change.event))
      return this.keep(held, passOver(sub, change.position), false);
    const event = change.event;
    for (;;) {
      if (!this.holds(held.lease)) return sub;
      const backoff = sub.nextAttemptAt ? Date.parse(sub.nextAttemptAt) - this.options.clock().getTime() : 0;
      if (backoff > 0) await this.options.sleep(backoff, held.lease.signal);
      if (!this.holds(held.lease)) return sub;
      const target = sub;
      // The wait for a slot may outlast the lease: checked again once one is free.
      const result = await this.slots.run(async () =>
        this.holds(held.lease)
          ? this.deliver({
              url: target.url,
              event,
              secrets: secretsInUse(target.secrets, this.options.clock()),
            })
          : undefined,
      );
      if (result === undefined) return sub;
      const next = recordAttempt(
        sub,
        { position: change.position, eventId: event.id, ...result },
        this.options.policy,
        this.options.random,
      );
      const delivered = next.status === 'active' && next.cursor >= change.position;
      const kept = await this.keep(held, next, !delivered);
      if (kept !== next) return kept;
      sub = next;
      if (sub.status !== 'active' || sub.cursor >= change.position) return sub;
    }
  }

  /**
   * Takes the next state. A failure is saved at once; acknowledged and passed-over changes are saved
   * every saveEvery or flushMs, in the background (one save in flight per subscription), so the
   * next delivery does not wait for the store. Undefined when a save lost to an owner's change.
   */
  private async keep(held: Held, next: WebhookSubscription, now: boolean) {
    held.check();
    if (next === held.current) return next;
    held.current = next;
    held.unsaved++;
    if (now) await this.flush(held);
    else if (
      !held.saving &&
      (held.unsaved >= this.options.saveEvery || performance.now() - held.savedAt >= this.options.flushMs)
    )
      held.saving = this.save(held)
        .catch((error: unknown) => void (held.failed = error))
        .finally(() => (held.saving = undefined));
    return held.lost ? undefined : held.current;
  }

  /** Waits for the save in flight, then saves what the loop holds. */
  private async flush(held: Held): Promise<void> {
    await held.saving;
    held.check();
    if (!held.lost) await this.save(held);
  }

  /** A guarded write; when it loses (an owner's change), the loop stops and reloads the stored one. */
  private async save(held: Held): Promise<void> {
    const { current, stored } = held;
    if (current === stored) return;
    held.unsaved = 0;
    held.savedAt = performance.now();
    if (await this.store.save(current, stored)) held.stored = current;
    else held.lost = true;
  }
}

interface Change {
  position: number;
  /** Undefined when the message is not a CloudEvent: passed over like a change the filter leaves out. */
  event?: LgspEvent;
}

/** A subscription as its loop holds it, and as it was last stored (the guard of the next write). */
class Held {
  current: WebhookSubscription;
  unsaved = 0;
  savedAt = performance.now();
  saving: Promise<void> | undefined;
  /** A save found the stored subscription changed by someone else: the loop reloads it. */
  lost = false;
  /** A background save failed (the store is down): the loop fails and restarts at the next refresh. */
  failed: unknown;
  constructor(
    public stored: WebhookSubscription,
    readonly lease: HeldLease,
  ) {
    this.current = stored;
  }
  check(): void {
    if (this.failed !== undefined) throw this.failed;
  }
}

/** A subscription's lease as this worker holds it; lost once a renewal failed or it expired. */
class HeldLease {
  lost = false;
  renewal: Promise<void> | undefined;
  private readonly losing = new AbortController();
  /** Aborts when the worker stops or the lease is lost: waits for changes and backoffs end. */
  readonly signal: AbortSignal;
  constructor(
    public until: number,
    stopping: AbortSignal,
  ) {
    this.signal = AbortSignal.any([stopping, this.losing.signal]);
  }
  lose(): void {
    this.lost = true;
    this.losing.abort();
  }
}

/** The changes after a position from one ordered consumer, one at a time, each wait bounded. */
class ChangeReader {
  private readonly iterator: AsyncIterator<JsMsg>;
  private pending: Promise<IteratorResult<JsMsg>> | undefined;

  constructor(
    private readonly consumer: Consumer,
    private readonly messages: ConsumerMessages,
    /** The position of the last change read. */
    public after: number,
    private readonly stopping: AbortSignal,
  ) {
    this.iterator = messages[Symbol.asyncIterator]();
  }

  /** The next change, or undefined when none came within waitMs (or the worker is stopping). */
  async next(waitMs: number): Promise<Change | undefined> {
    this.pending ??= this.iterator.next();
    const got = await Promise.race([
      this.pending,
      wait(waitMs, undefined, { signal: this.stopping }).catch(() => undefined),
    ]);
    if (got === undefined) return undefined;
    this.pending = undefined;
    if (got.done) throw new Error('the stream read ended');
    const m = got.value;
    let event: LgspEvent | undefined;
    try {
      event = fromNatsMessage(m.headers, m.data);
    } catch {
      event = undefined;
    }
    this.after = m.seq;
    return { position: m.seq, event };
  }

  /** Stops reading and removes the consumer; changes read ahead and not delivered are dropped. */
  async close(): Promise<void> {
    const closed = this.messages.close().catch(() => undefined);
    // The messages read ahead must be taken off the iterator: close() and the connection's drain
    // wait for that.
    const pending = this.pending;
    this.pending = undefined;
    await (async () => {
      if (pending && (await pending).done) return;
      while (!(await this.iterator.next()).done);
    })().catch(() => undefined);
    await closed;
    await this.consumer.delete().catch(() => undefined);
  }
}

/** Caps concurrent work; waiters are served first come, first served. */
class Semaphore {
  private waiting: (() => void)[] = [];
  constructor(private free: number) {}
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((r) => this.waiting.push(r));
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}
