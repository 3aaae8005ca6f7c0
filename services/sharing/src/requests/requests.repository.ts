import { Injectable } from '@nestjs/common';
import { AggregateRepositoryOf } from '@openlgsp/persistence';
import { DUE_BATCH } from '../common/due.js';
import { OPEN_STATUSES, type RequestState } from './request.model.js';
import { RequestSchema } from './request.schema.js';

@Injectable()
export class RequestsRepository extends AggregateRepositoryOf<RequestState>(
  'sharing request',
  'SharingRequest',
  RequestSchema,
) {
  async remindersDue(now: Date): Promise<RequestState[]> {
    return (await this.model
      .find(
        { status: { $in: OPEN_STATUSES }, remindedAt: null, reminderAt: { $ne: null, $lte: now } },
        { outbox: 0 },
      )
      .limit(DUE_BATCH)
      .lean()) as RequestState[];
  }

  async escalationsDue(now: Date): Promise<RequestState[]> {
    return (await this.model
      .find(
        { status: { $in: OPEN_STATUSES }, escalatedAt: null, dueAt: { $ne: null, $lte: now } },
        { outbox: 0 },
      )
      .limit(DUE_BATCH)
      .lean()) as RequestState[];
  }
}
