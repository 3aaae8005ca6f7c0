import { Inject, Injectable } from '@nestjs/common';
import type { Connection } from 'mongoose';
import { OutboxRelay } from '@openlgsp/events';
import {
  AggregateRepository,
  MONGO_CONNECTION,
  decodeCursor,
  pageOf,
  type Page,
} from '@openlgsp/persistence';
import type { EntryState } from './entry.model.js';
import { EntrySchema } from './entry.schema.js';

@Injectable()
export class EntriesRepository extends AggregateRepository<EntryState> {
  constructor(@Inject(MONGO_CONNECTION) connection: Connection, relay: OutboxRelay) {
    super('entry', AggregateRepository.modelOf(connection, 'Entry', EntrySchema), relay);
  }

  /** One page of the entries matching a filter, oldest first (for the DIC's due lists). */
  async page(filter: Record<string, unknown>, limit: number, cursor?: string): Promise<Page<EntryState>> {
    const rows = (await this.model
      .find((cursor ? { $and: [filter, { _id: { $gt: decodeCursor(cursor).id } }] } : filter) as never, {
        outbox: 0,
        outboxAt: 0,
      })
      .sort({ _id: 1 })
      .limit(limit + 1)
      .lean()) as EntryState[];
    return pageOf(rows, limit, (row) => ({ key: row._id, id: row._id }));
  }

  get collection() {
    return this.model;
  }
}
