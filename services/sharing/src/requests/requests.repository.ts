import { Injectable } from '@nestjs/common';
import { DeadlineRepositoryOf, type DueKind } from '@openlgsp/persistence';
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
export class RequestsRepository extends DeadlineRepositoryOf<RequestState>(
  'sharing request',
  'SharingRequest',
  RequestSchema,
  { dueCollection: 'sharing_requests_due', kinds: DEADLINES, unfinished: { status: { $in: OPEN_STATUSES } } },
) {
  remindersDue(now: Date): Promise<RequestState[]> {
    return this.deadlines.due('reminder', now, DUE_BATCH);
  }

  escalationsDue(now: Date): Promise<RequestState[]> {
    return this.deadlines.due('escalation', now, DUE_BATCH);
  }
}
