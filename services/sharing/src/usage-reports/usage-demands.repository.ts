import { Inject, Injectable } from '@nestjs/common';
import type { Connection, UpdateQuery } from 'mongoose';
import { CLOCK, EventFactory, OutboxRelay, type Clock, type LgspEvent } from '@openlgsp/events';
import { AggregateRepositoryOf, DueLists, MONGO_CONNECTION, type WriteOptions } from '@openlgsp/persistence';
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
    this.deadlines = new DueLists(
      connection,
      'usage_demands_due',
      [{ name: 'overdue', at: (d) => d.dueAt, pending: (d) => d.status === 'open' && !d.flaggedAt }],
      (id) => this.find(id),
      () => this.openDemands(),
    );
  }

  override async insert(
    doc: Omit<UsageDemandState, 'outbox' | 'revision'> & { revision?: number },
    events: LgspEvent[],
    options: WriteOptions<UsageDemandState> = {},
  ): Promise<UsageDemandState> {
    await this.deadlines.schedule(doc, this.clock());
    return super.insert(doc, events, options);
  }

  override async update(
    id: string,
    expectedRevision: number,
    set: Partial<UsageDemandState>,
    events: LgspEvent[],
    extra: UpdateQuery<UsageDemandState> = {},
    options: WriteOptions<UsageDemandState> = {},
  ): Promise<UsageDemandState> {
    await this.deadlines.schedule({ ...set, _id: id }, this.clock());
    return super.update(id, expectedRevision, set, events, extra, options);
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
