import type { DueLists } from './due-lists.js';
import type { Connection, Model, Schema, UpdateQuery } from 'mongoose';
import type { EventFactory, LgspEvent, OutboxRelay, OutboxStore, PendingOutbox } from '@openlgsp/events';

import {
  NotFoundError,
  RuleViolationError,
  unwrap,
  type Actor,
  type Change,
  type Result,
} from '@openlgsp/domain';
import { decodeCursor, pageOf, type Page } from './cursor.js';
import { OUTBOX_INDEX } from './outbox.schema.js';

export { NotFoundError };

/**
 * Updates per bulk write when emptying outboxes. FerretDB v1 keeps each statement's query open
 * until the whole command ends and its SQLite pool has 100 connections: an update command of 100
 * statements waits forever for a connection to write with. 25 leaves room for everything else.
 */
const MARK_CHUNK = 25;

/** Another change won the race: the state this write assumed is gone. */
export class ConflictError extends Error {}

export class DuplicateError extends Error {}

/**
 * One page of `filter`'s documents in `_id` order (UUIDv7 ids sort by creation), after `cursor`:
 * keyset paging, stable while documents are added. Storage-only fields are left out.
 */
export async function findPage<T extends { _id: string }>(
  model: Model<T>,
  filter: Record<string, unknown>,
  page: { limit: number; cursor?: string },
  exclude: string[] = [],
): Promise<Page<T>> {
  const where = page.cursor ? { $and: [filter, { _id: { $gt: decodeCursor(page.cursor).id } }] } : filter;
  const projection = Object.fromEntries(['outbox', ...exclude].map((k) => [k, 0]));
  const rows = (await model
    .find(where as never, projection)
    .sort({ _id: 1 })
    .limit(page.limit + 1)
    .lean()) as unknown as T[];
  return pageOf(rows, page.limit, (row) => ({ key: row._id, id: row._id }));
}

/** A document as readers get it: without the outbox and any other storage-only fields. */
export function withoutStorageFields<T extends object>(doc: T, ...more: string[]): Omit<T, 'outbox'> {
  const view = { ...doc } as Record<string, unknown>;
  for (const key of ['outbox', ...more]) delete view[key];
  return view as Omit<T, 'outbox'>;
}

export interface AggregateDoc {
  _id: string;
  /** Optimistic concurrency: every write expects the revision it read and bumps it. */
  revision: number;
  outbox?: LgspEvent[];
}

/** What a write may do between storing the state and publishing the events it causes. */
export interface WriteOptions<T> {
  /**
   * Runs with the stored state after the write and before its events are published: a read model
   * that must be current by the time anyone can see the events (e.g. the grants' access check). If it
   * fails, the write stands and its events stay in the outbox: the sweeper publishes them later, and
   * the read model's own handlers of those events repair it.
   */
  beforePublish?: (doc: T) => Promise<void>;
}

/** How `apply` treats what it may not show, and what it writes. */
export interface ApplyOptions<T> extends WriteOptions<T> {
  /** Whether the caller may see the document at all: when not, it is absent to them (NotFoundError). */
  visible?: (doc: T) => boolean;
  /** Write a change that establishes no fact (it tells nobody, but the state moved). */
  writeWithoutFacts?: boolean;
}

/** Time-driven steps try every due document; losing a race to another instance is not a failure. */
function isLostRace(err: unknown): boolean {
  return (
    err instanceof ConflictError || (err instanceof RuleViolationError && err.violation.kind === 'conflict')
  );
}

/**
 * The repository layer over Mongoose for one aggregate. Every write puts the state and the events it
 * causes into one document in one atomic update, guarded by the expected revision, and then asks the
 * relay to publish — so a crash between the two loses nothing (the sweeper finds the outbox). A write
 * may run one step in between (`beforePublish`), for what must be current once its events are seen.
 */
export class AggregateRepository<T extends AggregateDoc> implements OutboxStore {
  /** Deadline lists kept current on every insert and update (`keepDeadlines`). */
  private deadlineLists?: { lists: DueLists<T>; clock: () => Date };

  constructor(
    readonly name: string,
    protected readonly model: Model<T>,
    protected readonly relay: OutboxRelay,
    /** Stamps a rule's facts as this service's events about the aggregate, by whoever acted. */
    protected readonly events: EventFactory,
  ) {
    relay.register(this);
  }

  /** Schemas stay untyped (Mongoose's inferred types are heavy); the aggregate type is the contract. */
  static modelOf<T>(connection: Connection, name: string, schema: Schema): Model<T> {
    const existing = connection.models[name] as unknown;
    if (existing) return existing as Model<T>;
    // A restarted app builds its models again on a new connection, from the same schema object.
    const indexed = schema.indexes().some(([fields]) => Object.keys(fields).join() === 'outbox.time');
    if (!indexed) schema.index(OUTBOX_INDEX);
    return connection.model(name, schema) as unknown as Model<T>;
  }

  /** One page of this aggregate's documents matching `filter` (see `findPage`). */
  page(filter: Record<string, unknown>, page: { limit: number; cursor?: string }): Promise<Page<T>> {
    return findPage(this.model as unknown as Model<T & { _id: string }>, filter, page) as Promise<Page<T>>;
  }

  async find(id: string): Promise<T | null> {
    return (await this.model.findById(id, { outbox: 0 }).lean()) as T | null;
  }

  async get(id: string, what = this.name): Promise<T> {
    const doc = await this.find(id);
    if (!doc) throw new NotFoundError(what, id);
    return doc;
  }

  /**
   * Lists each deadline of a stored aggregate in `lists` before every insert and update, so a deadline
   * tick finds it by day and `_id` (never a scan): listed first, a deadline is never missed; a listing
   * whose write then fails is skipped when read (the aggregate is re-read by `_id`).
   */
  protected keepDeadlines(lists: DueLists<T>, clock: () => Date): DueLists<T> {
    this.deadlineLists = { lists, clock };
    return lists;
  }

  async insert(
    doc: Omit<T, 'outbox' | 'revision'> & { revision?: number },
    events: LgspEvent[],
    options: WriteOptions<T> = {},
  ): Promise<T> {
    await this.deadlineLists?.lists.schedule(doc as Partial<T> & { _id: string }, this.deadlineLists.clock());
    const record = { revision: 1, ...doc, outbox: events };
    if (events.length) this.relay.written(this, doc._id);
    try {
      await this.model.create(record as never);
    } catch (err) {
      if ((err as { code?: number }).code === 11000)
        throw new DuplicateError(`${this.name} ${doc._id} already exists`);
      throw err;
    }
    await options.beforePublish?.(withoutStorageFields(record) as unknown as T);
    await this.relay.flush(this, doc._id, events);
    return record as unknown as T;
  }

  /** Stores the aggregate a rule created, with its facts as events about it, in one write. */
  create(change: Change<T>, by: Actor | undefined, options: WriteOptions<T> = {}): Promise<T> {
    return this.insert(change.next, this.events.createAll(change.facts, change.next._id, by), options);
  }

  /**
   * The use-case step: load → rule → one guarded write of the next state with its facts as events
   * (the outbox). A rule that establishes nothing writes nothing; a violated rule throws
   * RuleViolationError; a concurrent writer makes the write fail with ConflictError. `visible` says
   * whether `by` may see the document at all: when not, it is absent to them (NotFoundError), whatever
   * the rule would say. `beforePublish`: see WriteOptions.
   */
  async apply(
    id: string,
    by: Actor | undefined,
    rule: (doc: T) => Result<Change<T>>,
    options: ApplyOptions<T> = {},
  ): Promise<T> {
    return (await this.applyChange(id, by, rule, options)).saved;
  }

  /**
   * `apply`, handing back the rule's change beside what was stored, for changes that carry more than
   * the next state (a dataset's new version). With `writeWithoutFacts` a change that tells nobody is
   * still written (a draft's edit), and only a rule that hands back the very state it was given writes
   * nothing.
   */
  async applyChange<C extends Change<T>>(
    id: string,
    by: Actor | undefined,
    rule: (doc: T) => Result<C>,
    options: ApplyOptions<T> = {},
  ): Promise<{ saved: T; change: C }> {
    const doc = await this.get(id);
    if (options.visible && !options.visible(doc)) throw new NotFoundError(this.name, id);
    const change = unwrap(rule(doc));
    const unchanged = options.writeWithoutFacts ? change.next === doc : !change.facts.length;
    if (unchanged) return { saved: doc, change };
    const { _id, revision: _r, outbox: _o, ...next } = change.next;
    const events = this.events.createAll(change.facts, id, by);
    const saved = await this.update(id, doc.revision, next as Partial<T>, events, {}, options);
    return { saved, change };
  }

  /**
   * A time-driven step on one due document, by the platform (no actor): false when another instance
   * got there first.
   */
  async applyDue(
    id: string,
    rule: (doc: T) => Result<Change<T>>,
    options: WriteOptions<T> = {},
  ): Promise<boolean> {
    try {
      await this.apply(id, undefined, rule, options);
      return true;
    } catch (err) {
      if (isLostRace(err)) return false;
      throw err;
    }
  }

  /**
   * Applies `set` (and optional extra operators) if the document is still at `expectedRevision`;
   * throws ConflictError when a concurrent change got there first.
   */
  async update(
    id: string,
    expectedRevision: number,
    set: Partial<T>,
    events: LgspEvent[],
    extra: UpdateQuery<T> = {},
    options: WriteOptions<T> = {},
  ): Promise<T> {
    await this.deadlineLists?.lists.schedule(
      { ...set, _id: id } as Partial<T> & { _id: string },
      this.deadlineLists.clock(),
    );
    // A field the next state leaves `undefined` is removed from the document, not kept.
    const cleared = Object.keys(set).filter((k) => set[k as keyof T] === undefined);
    const kept = Object.fromEntries(Object.entries(set).filter(([, v]) => v !== undefined));
    const update = {
      ...extra,
      $set: { ...(extra.$set ?? {}), ...kept },
      ...(cleared.length ? { $unset: Object.fromEntries(cleared.map((k) => [k, 1])) } : {}),
      $inc: { revision: 1 },
      ...(events.length ? { $push: { outbox: { $each: events } } } : {}),
    } as UpdateQuery<T>;
    if (events.length) this.relay.written(this, id);
    const updated = (await this.model
      // No projection: FerretDB v1's findAndModify does not take one; the outbox is dropped below.
      .findOneAndUpdate({ _id: id, revision: expectedRevision } as never, update, { returnDocument: 'after' })
      .lean()) as T | null;
    if (!updated) {
      if (!(await this.model.exists({ _id: id } as never))) throw new NotFoundError(this.name, id);
      throw new ConflictError(`${this.name} ${id} was changed by someone else; reload and try again`);
    }
    // Everything still pending, in written order: an earlier failed flush never lets a newer event
    // overtake an older one of the same aggregate.
    const pending = updated.outbox ?? events;
    delete updated.outbox;
    await options.beforePublish?.(updated);
    if (events.length) await this.relay.flush(this, id, pending);
    return updated;
  }

  // OutboxStore
  /** The recovery pass: reads the whole collection on FerretDB (any filter but `_id` does). */
  async pending(writtenBefore: Date, limit: number): Promise<PendingOutbox[]> {
    // Event times are ISO 8601 in UTC from one clock format, so they compare as strings.
    const docs = (await this.model
      .find({ 'outbox.time': { $lt: writtenBefore.toISOString() } } as never, { outbox: 1 })
      .sort({ _id: 1 })
      .limit(limit)
      .lean()) as unknown as { _id: string; outbox?: LgspEvent[] }[];
    return docs
      .filter((doc) => doc.outbox?.length)
      .map((doc) => ({ aggregateId: String(doc._id), events: doc.outbox! }));
  }

  /** The regular pass: each aggregate read by `_id`, concurrently (`$in` would scan on FerretDB). */
  async pendingOf(aggregateIds: string[], writtenBefore: Date): Promise<PendingOutbox[]> {
    const before = writtenBefore.toISOString();
    const docs = await Promise.all(
      aggregateIds.map(
        async (id) =>
          (await this.model.findById(id, { outbox: 1 }).lean()) as {
            _id: string;
            outbox?: LgspEvent[];
          } | null,
      ),
    );
    // As `pending`: an outbox whose oldest event is past the grace period goes out whole, in order.
    return docs
      .filter((doc) => doc?.outbox?.length && doc.outbox.some((e) => e.time < before))
      .map((doc) => ({ aggregateId: String(doc!._id), events: doc!.outbox! }));
  }

  async markPublished(aggregateId: string, eventIds: string[]): Promise<void> {
    const doc = (await this.model.findById(aggregateId, { outbox: 1 }).lean()) as {
      outbox?: LgspEvent[];
    } | null;
    // `$pullAll` of the stored events themselves, not `$pull` by a condition: FerretDB v1 ignores a
    // conditional `$pull`. Events pushed meanwhile are not in the list, so they stay; and the filter
    // is the `_id` alone, the one FerretDB v1 serves without reading the whole collection.
    const published = (doc?.outbox ?? []).filter((e) => eventIds.includes(e.id));
    if (published.length)
      await this.model.updateOne({ _id: aggregateId } as never, { $pullAll: { outbox: published } } as never);
  }

  /**
   * Few round trips for a sweep's worth of aggregates: bulk writes of an update by `_id` each,
   * `$pullAll` of the stored events the sweep read (so, as above, events pushed meanwhile stay).
   */
  async markPublishedMany(published: PendingOutbox[]): Promise<void> {
    for (let i = 0; i < published.length; i += MARK_CHUNK)
      await this.model.bulkWrite(
        published.slice(i, i + MARK_CHUNK).map(({ aggregateId, events }) => ({
          updateOne: { filter: { _id: aggregateId }, update: { $pullAll: { outbox: events } } },
        })) as never,
        { ordered: false },
      );
  }
}
