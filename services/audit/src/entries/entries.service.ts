import { Injectable } from '@nestjs/common';
import { NotFoundError, unwrap } from '@openlgsp/domain';
import type { Principal } from '@openlgsp/auth';
import { InvalidCursorError, decodeCursor, pageOf, type Page } from '@openlgsp/persistence';
import type { TrailEntry } from '../trail/entry.model.js';
import { TrailStore, toEntry } from '../trail/trail.store.js';
import type { EntriesQuery } from './entries.dto.js';
import { period, readableAgency } from './entry-scope.rules.js';

/** An entry as readers get it: the stored entry, plus its data decoded when it is JSON. */
export type EntryView = TrailEntry & { payload?: unknown };

export function viewOf(entry: TrailEntry): EntryView {
  if (!entry.wellFormed) return entry;
  try {
    return { ...entry, payload: JSON.parse(Buffer.from(entry.data, 'base64').toString('utf8')) as unknown };
  } catch {
    return entry;
  }
}

/** Reads the trail for people: newest first, filtered, within the caller's agency scope. */
@Injectable()
export class EntriesService {
  constructor(private readonly trail: TrailStore) {}

  async search(query: EntriesQuery, by: Principal): Promise<Page<EntryView>> {
    const scope = unwrap(readableAgency(by, query.agency));
    const when = unwrap(period(query.from, query.to));
    const filter: Record<string, unknown> = {};
    if (scope.agency) filter.agency = scope.agency;
    for (const field of ['actor', 'type', 'subject', 'traceId', 'stream'] as const)
      if (query[field] !== undefined) filter[field] = query[field];
    if (when.from || when.to)
      filter.recordedAt = { ...(when.from ? { $gte: when.from } : {}), ...(when.to ? { $lt: when.to } : {}) };
    if (query.cursor) filter._id = { $lt: cursorSeq(query.cursor) };
    const docs = await this.trail.entries
      .find(filter)
      .sort({ _id: -1 })
      .limit(query.limit + 1)
      .toArray();
    return pageOf(docs.map(toEntry).map(viewOf), query.limit, (e) => ({ key: e.seq, id: String(e.seq) }));
  }

  async get(seq: number, by: Principal): Promise<EntryView> {
    const entry = await this.trail.get(seq);
    if (!entry) throw new NotFoundError('entry', String(seq));
    unwrap(readableAgency(by, entry.agency ?? '(none)'));
    return viewOf(entry);
  }
}

function cursorSeq(cursor: string): number {
  const seq = Number(decodeCursor(cursor).id);
  if (!Number.isSafeInteger(seq) || seq < 1) throw new InvalidCursorError();
  return seq;
}
