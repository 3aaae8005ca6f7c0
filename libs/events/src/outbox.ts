import { systemClock, type Clock, type LgspEvent } from './envelope.js';
import { eventMetrics } from './metrics.js';
import { ContractViolation, type EventPublisher } from './publisher.js';

/**
 * Where an aggregate keeps the events its last changes caused, in the same document as its state
 * (one atomic single-document write: FerretDB and our rule of no multi-document transactions).
 */
export interface OutboxStore {
  readonly name: string;
  /** Aggregates with events written before `writtenBefore` and still unpublished. */
  pending(writtenBefore: Date, limit: number): Promise<{ aggregateId: string; events: LgspEvent[] }[]>;
  /** Removes published events; events written since stay. */
  markPublished(aggregateId: string, eventIds: string[]): Promise<void>;
}

export interface OutboxLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * Publishes what use cases leave in their aggregates' outboxes. `flush` runs right after a write;
 * the sweeper republishes whatever a crash or an unreachable broker left behind. Publishing twice is
 * harmless: the event id is the `Nats-Msg-Id`, and consumers skip ids they have applied.
 */
export class OutboxRelay {
  private readonly stores = new Map<string, OutboxStore>();
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly publisher: EventPublisher,
    private readonly logger: OutboxLogger,
    readonly options = { sweepIntervalMs: 5_000, graceMs: 2_000, batch: 100 },
    /** The clock that stamps events' `time`: the sweeper compares its grace period against it. */
    private readonly clock: Clock = systemClock,
  ) {}

  register(store: OutboxStore): void {
    this.stores.set(store.name, store);
  }

  /** Publishes events just written; failures are left for the sweeper, never thrown at the caller. */
  async flush(store: OutboxStore, aggregateId: string, events: LgspEvent[]): Promise<void> {
    if (this.stopped || events.length === 0) return;
    try {
      await this.publishAll(store, aggregateId, events);
    } catch (err) {
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
    let published = 0;
    const run = async () => {
      for (const store of this.stores.values()) {
        try {
          const pending = await store.pending(
            new Date(now.getTime() - this.options.graceMs),
            this.options.batch,
          );
          eventMetrics.outboxBacklog.set(
            { store: store.name },
            pending.reduce((n, p) => n + p.events.length, 0),
          );
          for (const { aggregateId, events } of pending) {
            // One aggregate whose events cannot go out must not hold back the others behind it.
            try {
              await this.publishAll(store, aggregateId, events);
              published += events.length;
            } catch (err) {
              this.logger.warn({ err, store: store.name, aggregateId }, 'outbox events still unpublished');
            }
          }
        } catch (err) {
          this.logger.warn({ err, store: store.name }, 'outbox sweep failed; will retry');
        }
      }
    };
    this.sweeping = run().finally(() => (this.sweeping = undefined));
    await this.sweeping;
    return published;
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

  private async publishAll(store: OutboxStore, aggregateId: string, events: LgspEvent[]): Promise<void> {
    const done: string[] = [];
    try {
      // In order: consumers of one aggregate see its events as they happened.
      for (const event of events) {
        try {
          await this.publisher.publish(event);
        } catch (err) {
          if (!(err instanceof ContractViolation)) throw err;
          await this.deadLetter(store, aggregateId, event, err);
        }
        done.push(event.id);
      }
    } finally {
      if (done.length) await store.markPublished(aggregateId, done);
    }
  }
}
