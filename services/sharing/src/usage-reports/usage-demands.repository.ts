import { Inject, Injectable } from '@nestjs/common';
import type { Connection } from 'mongoose';
import { CLOCK, EventFactory, OutboxRelay, type Clock } from '@openlgsp/events';
import { AggregateRepositoryOf, DueLists, MONGO_CONNECTION } from '@openlgsp/persistence';
import { DUE_BATCH } from '../common/due.js';
import type { UsageDemandState } from './usage-demand.model.js';
import { UsageDemandSchema } from './usage-demand.schema.js';

@Injectable()
export class UsageDemandsRepository extends AggregateRepositoryOf<UsageDemandState>(
  'usage-report demand',
  'UsageDemand',
  UsageDemandSchema,
) {
  /** An unanswered demand is flagged to DIC at its due time, once: read by day and by `_id` (issue 12). */
  private readonly deadlines: DueLists<UsageDemandState>;

  constructor(
    @Inject(MONGO_CONNECTION) connection: Connection,
    relay: OutboxRelay,
    events: EventFactory,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    super(connection, relay, events);
    this.deadlines = this.keepDeadlines(
      new DueLists(
        connection,
        'usage_demands_due',
        [{ name: 'overdue', at: (d) => d.dueAt, pending: (d) => d.status === 'open' && !d.flaggedAt }],
        (id) => this.find(id),
        () => this.openDemands(),
      ),
      () => this.clock(),
    );
  }

  overdue(now: Date): Promise<UsageDemandState[]> {
    return this.deadlines.due('overdue', now, DUE_BATCH);
  }

  /** Demands stored before the deadline lists existed (read once per database). */
  private async *openDemands(): AsyncGenerator<UsageDemandState> {
    for await (const d of this.model.find({ status: 'open' }, { outbox: 0 }).lean().cursor())
      yield d as unknown as UsageDemandState;
  }
}
