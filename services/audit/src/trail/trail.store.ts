import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import { CLOCK, type Clock } from '@openlgsp/events';
import { MONGO_CONNECTION } from '@openlgsp/persistence';
import { GENESIS_HASH, type ChainHead, type ReceivedMessage, type TrailEntry } from './entry.model.js';
import { nextEntry } from './trail.rules.js';

export type EntryDoc = TrailEntry & { _id: number };
interface HeadDoc {
  _id: string;
  seq: number;
  hash: string;
}

export function entriesOf(connection: Connection): mongo.Collection<EntryDoc> {
  return connection.db!.collection<EntryDoc>('entries');
}

export function toEntry(doc: EntryDoc): TrailEntry {
  const { _id, ...entry } = doc;
  return entry;
}

const isDuplicateKey = (err: unknown) => (err as { code?: number })?.code === 11000;

/**
 * The append-only trail. One writer at a time by construction: an entry's `_id` is its sequence
 * number, so two appenders (two instances, or two consumers of one) racing for the same place cannot
 * both win; the loser learns the new head from the winner's entry and links after it. The chain
 * therefore never forks, and no lock or transaction is needed (FerretDB has neither).
 */
@Injectable()
export class TrailStore implements OnModuleInit, OnApplicationShutdown {
  readonly entries: mongo.Collection<EntryDoc>;
  private readonly chain: mongo.Collection<HeadDoc>;
  /** This process's idea of the head; wrong only by lagging, which an append corrects. */
  private head?: ChainHead;
  private persistedSeq = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(MONGO_CONNECTION) connection: Connection,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.entries = entriesOf(connection);
    this.chain = connection.db!.collection<HeadDoc>('chain');
  }

  async onModuleInit(): Promise<void> {
    // The unique key makes "exactly once per event" hold even across instances and crashes.
    await this.entries.createIndex({ key: 1 }, { unique: true, name: 'entry_key' });
    this.timer = setInterval(() => void this.persistHead().catch(() => undefined), 1_000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.queue.catch(() => undefined);
    await this.persistHead().catch(() => undefined);
  }

  /**
   * Records one message as the next entry, once: `duplicate` when its key is already in the trail.
   * Appends of this process run one after another, in arrival order.
   */
  append(message: ReceivedMessage): Promise<{ entry?: TrailEntry; duplicate: boolean }> {
    const run = this.queue.then(() => this.appendNow(message));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async appendNow(message: ReceivedMessage): Promise<{ entry?: TrailEntry; duplicate: boolean }> {
    for (;;) {
      const head = (this.head ??= await this.currentHead());
      const entry = nextEntry(message, head, this.clock());
      try {
        await this.entries.insertOne({ _id: entry.seq, ...entry });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        const taken = await this.entries.findOne({ _id: entry.seq });
        if (taken) {
          // Another writer got this place first: continue after its entry.
          this.head = { seq: taken.seq, hash: taken.hash };
          continue;
        }
        return { duplicate: true };
      }
      this.head = { seq: entry.seq, hash: entry.hash };
      if (entry.seq - this.persistedSeq >= 100) await this.persistHead();
      return { entry, duplicate: false };
    }
  }

  /**
   * The head as stored: the recorded head, then forward while entries follow it (the record lags by
   * design: it is written every hundred entries and every second, not on each append).
   */
  async currentHead(): Promise<ChainHead> {
    const recorded = await this.chain.findOne({ _id: 'head' });
    let head: ChainHead = recorded
      ? { seq: recorded.seq, hash: recorded.hash }
      : { seq: 0, hash: GENESIS_HASH };
    for (;;) {
      const next = await this.entries.findOne({ _id: head.seq + 1 }, { projection: { seq: 1, hash: 1 } });
      if (!next) return head;
      head = { seq: next.seq, hash: next.hash };
    }
  }

  /** The recorded head (it may lag the true head, never lead it). */
  async recordedHead(): Promise<ChainHead | undefined> {
    const recorded = await this.chain.findOne({ _id: 'head' });
    return recorded ? { seq: recorded.seq, hash: recorded.hash } : undefined;
  }

  private async persistHead(): Promise<void> {
    const head = this.head;
    if (!head || head.seq <= this.persistedSeq) return;
    try {
      await this.chain.updateOne(
        { _id: 'head', seq: { $lt: head.seq } },
        { $set: { seq: head.seq, hash: head.hash } },
        { upsert: true },
      );
    } catch (err) {
      if (!isDuplicateKey(err)) throw err; // another instance recorded a later head
    }
    this.persistedSeq = Math.max(this.persistedSeq, head.seq);
  }

  async get(seq: number): Promise<TrailEntry | undefined> {
    const doc = await this.entries.findOne({ _id: seq });
    return doc ? toEntry(doc) : undefined;
  }

  /** The entries from `fromSeq` to `toSeq` in sequence order, streamed. */
  async *range(fromSeq: number, toSeq = Number.MAX_SAFE_INTEGER): AsyncGenerator<TrailEntry> {
    const cursor = this.entries
      .find({ _id: { $gte: fromSeq, $lte: toSeq } })
      .sort({ _id: 1 })
      .batchSize(1_000);
    for await (const doc of cursor) yield toEntry(doc);
  }

  /** The lowest sequence number still in the store. */
  async firstStoredSeq(): Promise<number | undefined> {
    const [doc] = await this.entries
      .find({}, { projection: { _id: 1 } })
      .sort({ _id: 1 })
      .limit(1)
      .toArray();
    return doc?._id;
  }
}
