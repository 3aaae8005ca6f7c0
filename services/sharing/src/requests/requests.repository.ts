import { Inject, Injectable } from '@nestjs/common';
import type { Connection } from 'mongoose';
import { CLOCK, EventFactory, OutboxRelay, type Clock } from '@openlgsp/events';
import { AggregateRepositoryOf, DueLists, MONGO_CONNECTION, type DueKind } from '@openlgsp/persistence';
import { DUE_BATCH } from '../common/due.js';
import { OPEN_STATUSES, type RequestState } from './request.model.js';
import { RequestSchema } from './request.schema.js';

const open = (r: Partial<RequestState>) => !!r.status && OPEN_STATUSES.includes(r.status);

/** A request is reminded of at its reminder time, and escalated to DIC at its due time, once each. */
const DEADLINES: DueKind<RequestState>[] = [
  { name: 'reminder', at: (r) => r.reminderAt, pending: (r) => open(r) && !r.remindedAt },
  { name: 'escalation', at: (r) => r.dueAt, pending: (r) => open(r) && !r.escalatedAt },
];

@Injectable()
export class RequestsRepository extends AggregateRepositoryOf<RequestState>(
  'sharing request',
  'SharingRequest',
  RequestSchema,
) {
  /** The ticks read their due requests by day and by `_id` (issue 12). */
  private readonly deadlines: DueLists<RequestState>;

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
        'sharing_requests_due',
        DEADLINES,
        (id) => this.find(id),
        () => this.openRequests(),
      ),
      () => this.clock(),
    );
  }

  remindersDue(now: Date): Promise<RequestState[]> {
    return this.deadlines.due('reminder', now, DUE_BATCH);
  }

  escalationsDue(now: Date): Promise<RequestState[]> {
    return this.deadlines.due('escalation', now, DUE_BATCH);
  }

  /** Requests stored before the deadline lists existed (read once per database). */
  private async *openRequests(): AsyncGenerator<RequestState> {
    for await (const r of this.model
      .find({ status: { $in: OPEN_STATUSES } }, { outbox: 0 })
      .lean()
      .cursor())
      yield r as unknown as RequestState;
  }
}
