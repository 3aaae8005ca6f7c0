import { Inject, Injectable } from '@nestjs/common';
import type { Connection, UpdateQuery } from 'mongoose';
import { CLOCK, EventFactory, OutboxRelay, type Clock, type LgspEvent } from '@openlgsp/events';
import {
  AggregateRepositoryOf,
  DueLists,
  MONGO_CONNECTION,
  type DueKind,
  type WriteOptions,
} from '@openlgsp/persistence';
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
    this.deadlines = new DueLists(
      connection,
      'sharing_requests_due',
      DEADLINES,
      (id) => this.find(id),
      () => this.openRequests(),
    );
  }

  override async insert(
    doc: Omit<RequestState, 'outbox' | 'revision'> & { revision?: number },
    events: LgspEvent[],
    options: WriteOptions<RequestState> = {},
  ): Promise<RequestState> {
    await this.deadlines.schedule(doc, this.clock());
    return super.insert(doc, events, options);
  }

  override async update(
    id: string,
    expectedRevision: number,
    set: Partial<RequestState>,
    events: LgspEvent[],
    extra: UpdateQuery<RequestState> = {},
    options: WriteOptions<RequestState> = {},
  ): Promise<RequestState> {
    await this.deadlines.schedule({ ...set, _id: id }, this.clock());
    return super.update(id, expectedRevision, set, events, extra, options);
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
