import type { Model } from 'mongoose';
import type { Clock, EventFactory, OutboxRelay } from '@openlgsp/events';
import { AggregateRepository, type AggregateDoc } from './aggregate.repository.js';
import { DueLists, type DueKind } from './due-lists.js';

/** What an aggregate's deadlines are, and where their due lists live. */
export interface Deadlines<T> {
  /** The collection holding the due lists and their cursors (`<aggregates>_due`). */
  dueCollection: string;
  kinds: DueKind<T>[];
  /**
   * The aggregates that may still have a deadline pending: read once per database, to list those
   * stored before the due lists existed.
   */
  unfinished: Record<string, unknown>;
}

/**
 * The repository of an aggregate that clock-driven steps act on: every write lists its deadlines
 * (`keepDeadlines`, on the service's clock) and the ticks read what has fallen due from `deadlines`,
 * by day and by `_id` (issue 12).
 */
export class DeadlineRepository<T extends AggregateDoc> extends AggregateRepository<T> {
  protected readonly deadlines: DueLists<T>;

  constructor(
    name: string,
    model: Model<T>,
    relay: OutboxRelay,
    events: EventFactory,
    clock: Clock,
    deadlines: Deadlines<T>,
  ) {
    super(name, model, relay, events);
    this.deadlines = this.keepDeadlines(
      new DueLists(
        model.db,
        deadlines.dueCollection,
        deadlines.kinds,
        (id) => this.find(id),
        () => this.unfinished(deadlines.unfinished),
      ),
      clock,
    );
  }

  private async *unfinished(filter: Record<string, unknown>): AsyncGenerator<T> {
    for await (const doc of this.model
      .find(filter as never, { outbox: 0 })
      .lean()
      .cursor())
      yield doc as unknown as T;
  }
}
