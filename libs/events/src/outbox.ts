import { systemClock, type Clock, type LgspEvent } from './envelope.js';
import { eventMetrics } from './metrics.js';
import { ContractViolation, type EventPublisher } from './publisher.js';

/**
 * Where an aggregate keeps the events its last changes caused, in the same document as its state
 * (one atomic single-document write: FerretDB and our rule of no multi-document transactions).
 */
export interface OutboxStore {
  readonly name: string;
  /**
   * Aggregates with events written before `writtenBefore` and still unpublished, found by reading
   * the whole collection: the sweeper's recovery pass, at start and rarely after (see OutboxRelay).
   */
  pending(writtenBefore: Date, limit: number): Promise<PendingOutbox[]>;
  /**
   * The same for the given aggregates only, each read by `_id` (no scan on FerretDB): the sweeper's
   * regular pass over the aggregates this process wrote. Without it the sweeper always scans.
   */
  pendingOf?(aggregateIds: string[], writtenBefore: Date): Promise<PendingOutbox[]>;
  /** Removes published events; events written since stay. */
  markPublished(aggregateId: string, eventIds: string[]): Promise<void>;
  /**
   * Removes the published events of many aggregates in few round trips; `events` are the stored
   * events as `pending`/`pendingOf` returned them. Without it each aggregate is marked alone.
   */
  markPublishedMany?(published: PendingOutbox[]): Promise<void>;
}

export interface PendingOutbox {
  aggregateId: string;
  events: LgspEvent[];
}

export interface OutboxOptions {
  sweepIntervalMs: number;
  /** Events younger than this are left to the flush that follows their write. */
  graceMs: number;
  /** Aggregates per store and sweep. */
  batch: number;
  /**
   * How often the sweeper also reads whole collections (besides once at start), for outboxes this
   * process did not write: another instance that stopped before it could publish. Default 5 min.
   */
  fullSweepIntervalMs?: number;
  /** Aggregates published at once in a sweep (each one's events stay in order). Default 64. */
  concurrency?: number;
}

export interface OutboxLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * Publishes what use cases leave in their aggregates' outboxes. `flush` runs right after a write;
 * the sweeper republishes whatever a crash or an unreachable broker left behind. Publishing twice is
 * harmless: the event id is the `Nats-Msg-Id`, and consumers skip ids they have applied.
 *
 * The sweeper does not read whole collections on every pass (on FerretDB any filter but `_id` does):
 * the relay remembers which aggregates of this process have events not yet known published
 * (`written` before each write, forgotten once its flush has published them) and reads those by
 * `_id`. Outboxes it cannot know of — this process restarted, or another instance stopped first —
 * are found by a full pass at start and every `fullSweepIntervalMs`.
 */
export class OutboxRelay {
  private readonly stores = new Map<string, OutboxStore>();
  /** Per store: aggregates that may have unpublished events. */
  private readonly unpublished = new Map<string, Set<string>>();
  /** Per store: when its collection was last read whole (absent: never, so the next sweep does). */
  private readonly lastFullSweep = new Map<string, number>();
  /** Per store: when it was registered; writes since then are remembered (`written`). */
  private readonly registeredAt = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<number>;
  private stopped = false;
  readonly options: Required<OutboxOptions>;

  constructor(
    private readonly publisher: EventPublisher,
    private readonly logger: OutboxLogger,
    options: OutboxOptions = { sweepIntervalMs: 5_000, graceMs: 2_000, batch: 100 },
    /** The clock that stamps events' `time`: the sweeper compares its grace period against it. */
    private readonly clock: Clock = systemClock,
  ) {
    this.options = { fullSweepIntervalMs: 300_000, concurrency: 64, ...options };
  }

  register(store: OutboxStore): void {
    this.stores.set(store.name, store);
    this.unpublished.set(store.name, this.unpublished.get(store.name) ?? new Set());
    this.lastFullSweep.delete(store.name);
    this.registeredAt.set(store.name, this.clock().getTime());
  }

  /**
   * Called before a write that puts events into an aggregate's outbox: until a flush has published
   * them, the sweeper looks at that aggregate (by `_id`), whatever happens in between.
   */
  written(store: OutboxStore, aggregateId: string): void {
    this.unpublished.get(store.name)?.add(aggregateId);
  }

  /** Publishes events just written; failures are left for the sweeper, never thrown at the caller. */
  async flush(store: OutboxStore, aggregateId: string, events: LgspEvent[]): Promise<void> {
    if (events.length === 0) return;
    const unpublished = this.unpublished.get(store.name);
    unpublished?.add(aggregateId);
    if (this.stopped) return;
    try {
      await this.publishAll(store, aggregateId, events);
      // A later write's failed flush adds it back (below), so this never hides its events.
      unpublished?.delete(aggregateId);
    } catch (err) {
      unpublished?.add(aggregateId);
      this.logger.warn(
        { err, store: store.name, aggregateId },
        'outbox flush failed; the sweeper will retry',
      );
    }
  }

  start(): void {
    this.stopped = false;
    this.timer ??= setInterval(() => void this.sweep(), this.options.sweepIntervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.sweeping;
  }

  /** One pass over every registered store; returns how many events it published. */
  async sweep(now = this.clock()): Promise<number> {
    if (this.sweeping) return 0;
    this.sweeping = this.sweepStores(now).finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  private async sweepStores(now: Date): Promise<number> {
    let published = 0;
    for (const store of this.stores.values()) {
      try {
        const pending = await this.findPending(store, now);
        eventMetrics.outboxBacklog.set(
          { store: store.name },
          pending.reduce((n, p) => n + p.events.length, 0),
        );
        published += await this.publishPending(store, pending);
      } catch (err) {
        this.logger.warn({ err, store: store.name }, 'outbox sweep failed; will retry');
      }
    }
    return published;
  }

  private async findPending(store: OutboxStore, now: Date): Promise<PendingOutbox[]> {
    const writtenBefore = new Date(now.getTime() - this.options.graceMs);
    const last = this.lastFullSweep.get(store.name);
    const unpublished = this.unpublished.get(store.name)!;
    if (!store.pendingOf || last === undefined || Date.now() - last >= this.options.fullSweepIntervalMs) {
      const pending = await store.pending(writtenBefore, this.options.batch);
      for (const p of pending) unpublished.add(p.aggregateId);
      // A pass counts as full once it saw everything pending (not just a batch) and its cut-off has
      // passed the moment this relay began remembering writes: events another process wrote just
      // before (still inside the grace period) are found only by such a pass.
      const sawAll = pending.length < this.options.batch;
      if (sawAll && writtenBefore.getTime() >= this.registeredAt.get(store.name)!)
        this.lastFullSweep.set(store.name, Date.now());
      return pending;
    }
    const ids = [...unpublished].slice(0, this.options.batch);
    if (!ids.length) return [];
    const pending = await store.pendingOf(ids, writtenBefore);
    // Read and found empty: forget it, unless a write added events since (those are not yet past
    // the grace period, and their own flush re-adds the aggregate if it fails).
    const waiting = new Set(pending.map((p) => p.aggregateId));
    for (const id of ids) if (!waiting.has(id)) unpublished.delete(id);
    return pending;
  }

  /**
   * Publishes many aggregates' events at once (bounded), each aggregate's in order, then removes
   * what went out from the outboxes, in few round trips when the store can.
   */
  private async publishPending(store: OutboxStore, pending: PendingOutbox[]): Promise<number> {
    const done: PendingOutbox[] = [];
    let next = 0;
    const lane = async () => {
      while (next < pending.length) {
        const { aggregateId, events } = pending[next++]!;
        const sent: LgspEvent[] = [];
        try {
          await this.publishInOrder(store, aggregateId, events, sent);
        } catch (err) {
          // One aggregate whose events cannot go out must not hold back the others behind it.
          this.logger.warn({ err, store: store.name, aggregateId }, 'outbox events still unpublished');
        }
        if (sent.length) done.push({ aggregateId, events: sent });
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency, pending.length) }, lane));
    if (!done.length) return 0;
    const unpublished = this.unpublished.get(store.name)!;
    if (store.markPublishedMany) {
      await store.markPublishedMany(done);
    } else {
      for (const { aggregateId, events } of done)
        await store.markPublished(
          aggregateId,
          events.map((e) => e.id),
        );
    }
    for (const { aggregateId, events } of done) {
      const all = pending.find((p) => p.aggregateId === aggregateId)!;
      if (events.length === all.events.length) unpublished.delete(aggregateId);
    }
    return done.reduce((n, d) => n + d.events.length, 0);
  }

  /**
   * An event that breaks its contract would fail the same way forever and hold back every later event
   * of its aggregate: it goes to the dead letters with its reasons, and the outbox moves on.
   */
  private async deadLetter(
    store: OutboxStore,
    aggregateId: string,
    event: LgspEvent,
    violation: ContractViolation,
  ): Promise<void> {
    await this.publisher.deadLetterInvalid(event, violation, store.name);
    eventMetrics.invalid.inc({ store: store.name, type: event.type });
    eventMetrics.deadLettered.inc({ consumer: `outbox:${store.name}` });
    this.logger.error(
      { store: store.name, aggregateId, eventId: event.id, type: event.type, reasons: violation.reasons },
      'event broke its contract at publish; dead-lettered',
    );
  }

  /** In order: consumers of one aggregate see its events as they happened. `sent` collects what went out. */
  private async publishInOrder(
    store: OutboxStore,
    aggregateId: string,
    events: LgspEvent[],
    sent: LgspEvent[],
  ): Promise<void> {
    for (const event of events) {
      try {
        await this.publisher.publish(event);
      } catch (err) {
        if (!(err instanceof ContractViolation)) throw err;
        await this.deadLetter(store, aggregateId, event, err);
      }
      sent.push(event);
    }
  }

  private async publishAll(store: OutboxStore, aggregateId: string, events: LgspEvent[]): Promise<void> {
    const sent: LgspEvent[] = [];
    try {
      await this.publishInOrder(store, aggregateId, events, sent);
    } finally {
      if (sent.length)
        await store.markPublished(
          aggregateId,
          sent.map((e) => e.id),
        );
    }
  }
}
