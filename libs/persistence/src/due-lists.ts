import type { Connection } from 'mongoose';
import { IdLists } from './id-lists.js';

const DAY_MS = 86_400_000;
const dayOf = (t: Date) => new Date(Math.floor(t.getTime() / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
const nextDay = (day: string) => dayOf(new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS));

/** A kind of deadline of an aggregate: when it falls due, and whether it is still to be acted on. */
export interface DueKind<T> {
  name: string;
  /** The deadline in a (possibly partial) state; none: nothing is due of this kind. */
  at: (doc: Partial<T>) => Date | null | undefined;
  /** Still to be acted on (not done, not moot), whatever the time. */
  pending: (doc: Partial<T>) => boolean;
}

interface Cursor {
  _id: string;
  /** The first day whose list may still hold something pending (`YYYY-MM-DD`, UTC). */
  day: string;
}

/**
 * Deadlines by day, read by `_id`, for the clock-driven steps (issue 12): `{ dueAt: { $lte: now } }`
 * reads the whole collection on FerretDB v1 at every tick. Each kind keeps one list per UTC day
 * (`<kind>|<day>`) of the ids falling due that day, and a cursor: the first day that may still
 * hold something pending. A tick reads the lists from the cursor to today and each listed document
 * by `_id`, keeps those still pending and due, and moves the cursor over the days before yesterday
 * with nothing pending left (a day's margin for instances whose clocks differ a little). A write
 * schedules its aggregate before it is stored, on the latest of its deadline's day, today and the
 * cursor as this process last saw it, so nothing lands behind the cursor (even when a clock is set
 * back, as tests do). The first tick of a database fills the lists once from the store (a scan).
 */
export class DueLists<T extends { _id: string }> {
  private readonly lists: IdLists;
  /** Each kind's cursor as this process last read or moved it. */
  private readonly cursorSeen = new Map<string, string>();

  constructor(
    private readonly connection: Connection,
    private readonly collection: string,
    private readonly kinds: DueKind<T>[],
    /** Reads one aggregate by `_id`. */
    private readonly read: (id: string) => Promise<T | null>,
    /** The aggregates stored before the lists existed that may be pending (read once). */
    private readonly existing: () => AsyncIterable<T>,
  ) {
    this.lists = new IdLists(connection, collection, async function* () {});
  }

  private get cursors() {
    return this.connection.collection<Cursor>(this.collection);
  }

  /** Before a write of `doc` (whole or its changed fields, with `_id`): lists every deadline it has. */
  async schedule(doc: Partial<T> & { _id: string }, now: Date): Promise<void> {
    await Promise.all(
      this.kinds.map(async (kind) => {
        const at = kind.at(doc);
        if (!at || !kind.pending(doc)) return;
        const day = [dayOf(at), dayOf(now), await this.cursorOf(kind.name)].sort().at(-1)!;
        await this.lists.add([`${kind.name}|${day}`], doc._id);
      }),
    );
  }

  private async cursorOf(name: string): Promise<string> {
    let day = this.cursorSeen.get(name);
    if (day === undefined) {
      day = (await this.cursors.findOne({ _id: `${name}|~cursor` }))?.day ?? '';
      this.cursorSeen.set(name, day);
    }
    return day;
  }

  /** Up to `limit` aggregates whose deadline of this kind has come and that are still pending. */
  async due(name: string, now: Date, limit: number): Promise<T[]> {
    const kind = this.kinds.find((k) => k.name === name)!;
    const cursorId = `${name}|~cursor`;
    const cursor = (await this.cursors.findOne({ _id: cursorId })) ?? (await this.fill(kind, now, cursorId));
    const today = dayOf(now);
    const yesterday = dayOf(new Date(now.getTime() - DAY_MS));
    const last = today > cursor.day ? today : cursor.day;
    const found: T[] = [];
    let from = cursor.day;
    let clear = true; // every day before this one had nothing pending
    for (let day = cursor.day; day <= last; day = nextDay(day)) {
      const ids = await this.lists.ids(`${name}|${day}`);
      const docs: (T | null)[] = await Promise.all(ids.map((id) => this.read(id)));
      // Pending here: not done, and due on this day or before (a deadline moved later is listed
      // on its new day too, so this day need not keep the cursor back for it).
      const pending = docs.filter((d): d is T => {
        const at = d === null ? null : kind.at(d);
        return d !== null && !!at && kind.pending(d) && dayOf(at) <= day;
      });
      for (const d of pending) {
        const at = kind.at(d);
        if (at && at <= now && found.length < limit && !found.some((f) => f._id === d._id)) found.push(d);
      }
      if (clear && day < yesterday && pending.length === 0) from = nextDay(day);
      else clear = false;
    }
    if (from !== cursor.day) await this.cursors.updateOne({ _id: cursorId }, { $set: { day: from } });
    this.cursorSeen.set(name, from);
    return found;
  }

  /** The first tick of a database: lists what the store holds pending, then sets the cursor. */
  private async fill(kind: DueKind<T>, now: Date, cursorId: string): Promise<Cursor> {
    let first = dayOf(now);
    for await (const doc of this.existing()) {
      const at = kind.at(doc);
      if (!at || !kind.pending(doc)) continue;
      const day = dayOf(at);
      if (day < first) first = day;
      await this.lists.add([`${kind.name}|${day}`], doc._id);
    }
    const cursor = { _id: cursorId, day: first };
    try {
      await this.cursors.updateOne({ _id: cursorId }, { $setOnInsert: { day: first } }, { upsert: true });
    } catch (err) {
      // Another instance filled them at the same time and set the cursor first.
      if ((err as { code?: number }).code !== 11000) throw err;
    }
    return (await this.cursors.findOne({ _id: cursorId })) ?? cursor;
  }
}
