import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import { CLOCK, type Clock } from '@openlgsp/events';
import { MONGO_CONNECTION } from '@openlgsp/persistence';
import { createLogger } from '@openlgsp/telemetry';
import { GENESIS_HASH, type ChainHead, type ReceivedMessage, type TrailEntry } from './entry.model.js';
import { contentOf, entryOf, linked, type EntryContent } from './trail.rules.js';

export type EntryDoc = TrailEntry & { _id: number };

/** Who is writing the next entry: one writer at a time holds the claim. */
interface Claim {
  seq: number;
  by: string;
  /** Epoch ms (the process's real clock: a claim's age is about crashes, not about the trail's time). */
  at: number;
}
interface HeadDoc {
  _id: string;
  seq: number;
  hash: string;
  pending: Claim | null;
}

export function entriesOf(connection: Connection): mongo.Collection<EntryDoc> {
  return connection.db!.collection<EntryDoc>('entries');
}

/** What readers are served: the entry's hashed content and hash, never another field stored beside them. */
export function toEntry(doc: EntryDoc): TrailEntry {
  return entryOf(doc);
}

/** A stored document as it is, less the store's own `_id`: what verification and archives look at. */
export function storedEntry(doc: EntryDoc): TrailEntry {
  const { _id, ...stored } = doc;
  return stored;
}

export interface AppendOutcome {
  entry?: TrailEntry;
  duplicate: boolean;
}

const isDuplicateKey = (err: unknown) => (err as { code?: number })?.code === 11000;

/** The index of the first document an ordered insertMany refused (those before it landed). */
function firstRefused(err: unknown): number | undefined {
  const writeErrors = (err as { writeErrors?: { index?: number } | { index?: number }[] }).writeErrors;
  const first = Array.isArray(writeErrors) ? writeErrors[0] : writeErrors;
  return typeof first?.index === 'number' ? first.index : undefined;
}

/** The entries of `docs` (in sequence order) that continue the chain from `head` without a gap. */
function contiguousRun(docs: EntryDoc[], head: ChainHead): EntryDoc[] {
  const run: EntryDoc[] = [];
  let tip = head;
  for (const doc of docs) {
    if (doc.seq !== tip.seq + 1 || doc.prevHash !== tip.hash) break;
    run.push(doc);
    tip = doc;
  }
  return run;
}

/** A claim older than this is a crashed writer's: another may settle it (by then the writer has long given up). */
const STALE_CLAIM_MS = 30_000;
const IDLE_RELEASE_MS = 200;
const MAX_HOLD_MS = 1_000;

/**
 * The append-only trail, written by one writer at a time even with several audit instances.
 *
 * The chain's head is one document, `{ seq, hash, pending }`. To append, a writer claims the next
 * place with a conditional update of that document (only one claim can match), inserts the entries
 * of a batch with `_id` = their sequence numbers (one ordered insertMany), and advances the head over
 * them in one write, releasing the claim or claiming the next place. An entry's place is
 * unique (`_id`) and so is its key (the event's identity), so neither a fork nor a second copy of
 * an event can be stored; holding the claim is what tells the two refusals apart: a duplicate-key
 * error under our own claim means the event is already in the trail.
 *
 * Why a head document rather than reading the last entry: on FerretDB (the local and test store) a
 * lookup by `_id` scans the collection, while uniqueness checks on insert use the index; so the
 * steady path reads nothing but the one-document head (FerretDB has no transactions either).
 */
@Injectable()
export class TrailStore implements OnModuleInit, OnApplicationShutdown {
  readonly entries: mongo.Collection<EntryDoc>;
  private readonly chain: mongo.Collection<HeadDoc>;
  /** The archive manifests (RetentionService writes them); read here only to continue after a cut. */
  private readonly archives: mongo.Collection<{ _id: string; toSeq: number; lastHash: string }>;
  private readonly writer = randomUUID();
  /** The head as this process last saw it: a guess a failed claim corrects. */
  private head?: ChainHead;
  /** The place whose claim this writer holds: kept from one append to the next while messages queue. */
  private holds?: number;
  /** Since when this writer holds claims back to back, and the timer that frees the place when idle. */
  private heldSince = 0;
  private idle?: NodeJS.Timeout;
  /** An insert whose outcome is unknown (the store failed mid-way): settled on the next attempt. */
  private uncertain?: { fromSeq: number; toSeq: number };
  private queue: Promise<unknown> = Promise.resolve();
  private readonly logger = createLogger('audit');

  constructor(
    @Inject(MONGO_CONNECTION) connection: Connection,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.entries = entriesOf(connection);
    this.chain = connection.db!.collection<HeadDoc>('chain');
    this.archives = connection.db!.collection('archives');
  }

  async onModuleInit(): Promise<void> {
    // The unique key makes "exactly once per event" hold even across instances and crashes.
    await this.entries.createIndex({ key: 1 }, { unique: true, name: 'entry_key' });
  }

  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.idle);
    await this.queue.catch(() => undefined);
    await this.freeIdleClaim().catch(() => undefined);
  }

  /**
   * Records one message as the next entry, once: `duplicate` when its key is already in the trail.
   * Appends of this process run one after another, in arrival order.
   */
  async append(message: ReceivedMessage): Promise<AppendOutcome> {
    return (await this.appendBatch([message]))[0]!;
  }

  /**
   * Records messages as the next entries, in the order given, each once (group commit): the chain is
   * built in memory, written with one insert of all the entries and one move of the head. One outcome
   * per message, in the same order. Batches of this process run one after another, in arrival order.
   */
  appendBatch(messages: readonly ReceivedMessage[]): Promise<AppendOutcome[]> {
    clearTimeout(this.idle);
    const run = this.queue.then(() => this.appendNow(messages));
    this.queue = run.catch(() => undefined);
    // Idle for a moment: free the place for other instances (through the queue, after any append).
    this.idle = setTimeout(() => {
      this.queue = this.queue.then(() => this.freeIdleClaim()).catch(() => undefined);
    }, IDLE_RELEASE_MS);
    this.idle.unref();
    return run;
  }

  private async appendNow(messages: readonly ReceivedMessage[]): Promise<AppendOutcome[]> {
    const contents = messages.map(contentOf);
    const outcomes: AppendOutcome[] = new Array<AppendOutcome>(messages.length);
    // Two copies of one event in a batch (a redelivery queued behind the first): the first is recorded.
    const firstOf = new Set<string>();
    let todo: number[] = [];
    for (const [i, content] of contents.entries()) {
      if (firstOf.has(content.key)) outcomes[i] = { duplicate: true };
      else {
        firstOf.add(content.key);
        todo.push(i);
      }
    }
    while (todo.length > 0) {
      const head = (this.head ??= await this.currentHead());
      if (this.holds !== head.seq + 1) {
        if (!(await this.claim(head))) {
          this.head = await this.settle();
          continue;
        }
        this.holds = head.seq + 1;
        this.heldSince = Date.now();
      }
      if (this.uncertain) {
        todo = await this.settleUncertain(head, contents, todo, outcomes);
        continue;
      }
      const recordedAt = this.clock().toISOString();
      const entries: TrailEntry[] = [];
      let tip: ChainHead = head;
      for (const i of todo) entries.push((tip = linked(contents[i]!, tip, recordedAt)));
      let landed = entries.length;
      try {
        await this.entries.insertMany(
          entries.map((e) => ({ _id: e.seq, ...e })),
          { ordered: true },
        );
      } catch (err) {
        const refused = isDuplicateKey(err) ? firstRefused(err) : undefined;
        if (refused === undefined) {
          // The store failed mid-way (or said too little): a prefix may have landed; look next time.
          this.uncertain = { fromSeq: head.seq + 1, toSeq: tip.seq };
          this.holds = undefined; // renew the claim on the next attempt
          throw err;
        }
        // An ordered insert stops at the refused entry, the ones before it landed. Our claim keeps
        // the places free, so the refusal is the key's: that event is already in the trail.
        landed = refused;
      }
      for (let k = 0; k < landed; k++) outcomes[todo[k]!] = { entry: entries[k]!, duplicate: false };
      if (landed > 0) await this.advanceOrMarkUncertain(head, entries[landed - 1]!);
      if (landed < entries.length) outcomes[todo[landed]!] = { duplicate: true };
      // The rest are built again after what landed (their places and links have changed).
      todo = todo.slice(landed + 1);
    }
    return outcomes;
  }

  /**
   * An earlier insert of ours failed without saying how far it got: what landed of it (a scan, but
   * rare) is kept, the head moved over it, and the messages it holds are recorded; the rest go on.
   */
  private async settleUncertain(
    head: ChainHead,
    contents: EntryContent[],
    todo: number[],
    outcomes: AppendOutcome[],
  ): Promise<number[]> {
    const uncertain = this.uncertain!;
    if (uncertain.fromSeq !== head.seq + 1) {
      this.uncertain = undefined; // another writer settled it meanwhile
      return todo;
    }
    // Kept until settled: the store may fail again while we look.
    const written = await this.entries
      .find({ _id: { $gte: uncertain.fromSeq, $lte: uncertain.toSeq } })
      .sort({ _id: 1 })
      .toArray();
    const run = contiguousRun(written, head);
    this.uncertain = undefined;
    if (run.length === 0) return todo;
    await this.advanceOrMarkUncertain(head, run[run.length - 1]!);
    const byKey = new Map(run.map((doc) => [doc.key, doc]));
    return todo.filter((i) => {
      const doc = byKey.get(contents[i]!.key);
      if (doc) outcomes[i] = { entry: entryOf(doc), duplicate: false };
      return !doc;
    });
  }

  /** Claims place head.seq + 1 (or renews our own claim); false when another writer holds it or moved on. */
  private async claim(head: ChainHead): Promise<boolean> {
    const pending: Claim = { seq: head.seq + 1, by: this.writer, at: Date.now() };
    const claimed = await this.chain.updateOne(
      { _id: 'head', seq: head.seq, $or: [{ pending: null }, { 'pending.by': this.writer }] },
      { $set: { pending } },
    );
    if (claimed.matchedCount === 1) return true;
    if (await this.chain.findOne({ _id: 'head' }, { projection: { _id: 1 } })) return false;
    try {
      await this.chain.insertOne({ _id: 'head', seq: head.seq, hash: head.hash, pending });
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  /** After a lost claim: the head as it now is, once its writer is done (or found dead). */
  private async settle(): Promise<ChainHead> {
    const doc = await this.chain.findOne({ _id: 'head' });
    if (!doc) return this.lastCut();
    const claim = doc.pending;
    if (claim && claim.by !== this.writer) {
      if (Date.now() - claim.at < STALE_CLAIM_MS) await sleep(10);
      else await this.recover(doc, claim);
    }
    return { seq: doc.seq, hash: doc.hash };
  }

  /** A writer died holding the claim: keep the entries it wrote (a batch: a run of them), and free the place. */
  private async recover(doc: HeadDoc, claim: Claim): Promise<void> {
    this.logger.warn({ claim }, 'a writer of the trail left a stale claim; settling it');
    const written = await this.entries
      .find({ _id: { $gte: claim.seq } })
      .sort({ _id: 1 })
      .toArray();
    const last = contiguousRun(written, { seq: doc.seq, hash: doc.hash }).at(-1);
    await this.chain.updateOne(
      { _id: 'head', seq: doc.seq, 'pending.by': claim.by, 'pending.at': claim.at },
      { $set: last ? { seq: last.seq, hash: last.hash, pending: null } : { pending: null } },
    );
  }

  /**
   * Moves the head to `entry` and, in the same write, claims the next place: a busy writer spends two
   * writes per entry (insert, advance). It lets go after a moment of idleness, and at least every
   * second under load, so another instance gets its turn.
   */
  private async advance(fromSeq: number, entry: { seq: number; hash: string }): Promise<void> {
    const next = this.keepClaiming() ? { seq: entry.seq + 1, by: this.writer, at: Date.now() } : null;
    const moved = await this.chain.updateOne(
      { _id: 'head', seq: fromSeq, 'pending.by': this.writer },
      { $set: { seq: entry.seq, hash: entry.hash, pending: next } },
    );
    // Not moved: our claim was taken as stale; whoever took it settles our entry. Re-read next time.
    this.head = moved.matchedCount === 1 ? { seq: entry.seq, hash: entry.hash } : undefined;
    this.holds = moved.matchedCount === 1 && next ? next.seq : undefined;
  }

  /**
   * advance(), and when the store fails on it: the entries are in but the head may not have moved,
   * so the next attempt re-reads the head and settles them first. Without this a retry would build on
   * the old head, meet its own entries' places taken, and take them for duplicates of their events.
   */
  private async advanceOrMarkUncertain(head: ChainHead, last: { seq: number; hash: string }): Promise<void> {
    try {
      await this.advance(head.seq, last);
    } catch (err) {
      this.uncertain = { fromSeq: head.seq + 1, toSeq: last.seq };
      this.holds = undefined;
      this.head = undefined;
      throw err;
    }
  }

  private keepClaiming(): boolean {
    return Date.now() - this.heldSince < MAX_HOLD_MS;
  }

  private async freeIdleClaim(): Promise<void> {
    if (this.holds === undefined) return;
    await this.chain.updateOne(
      { _id: 'head', seq: this.holds - 1, 'pending.by': this.writer },
      { $set: { pending: null } },
    );
    this.holds = undefined;
  }

  /** The head as recorded: the last entry's sequence number and hash. */
  async currentHead(): Promise<ChainHead> {
    return (await this.recordedHead()) ?? this.lastCut();
  }

  /** The recorded head; undefined before the first entry. */
  async recordedHead(): Promise<ChainHead | undefined> {
    const recorded = await this.chain.findOne({ _id: 'head' });
    return recorded ? { seq: recorded.seq, hash: recorded.hash } : undefined;
  }

  /** Without a recorded head, the chain continues after the last archive, if any, never from genesis again. */
  private async lastCut(): Promise<ChainHead> {
    const [cut] = await this.archives.find({}).sort({ _id: -1 }).limit(1).toArray();
    return cut ? { seq: cut.toSeq, hash: cut.lastHash } : { seq: 0, hash: GENESIS_HASH };
  }

  /** One entry by sequence number (a scan on FerretDB: for single reads, not for loops). */
  async get(seq: number): Promise<TrailEntry | undefined> {
    const doc = await this.entries.findOne({ _id: seq });
    return doc ? toEntry(doc) : undefined;
  }

  /**
   * The entries from `fromSeq` to `toSeq` as stored, a store batch at a time, reading ahead: the next
   * batch is asked for before this one is handed over, so the store fetches it while the caller works
   * (verification hashes one batch while the next one is read).
   */
  async *rangeBatches(
    fromSeq: number,
    toSeq = Number.MAX_SAFE_INTEGER,
    size = 1_000,
  ): AsyncGenerator<TrailEntry[]> {
    const cursor = this.entries
      .find({ _id: { $gte: fromSeq, $lte: toSeq } })
      .sort({ _id: 1 })
      .batchSize(size);
    const nextBatch = async () =>
      (await cursor.hasNext()) ? cursor.readBufferedDocuments().map(storedEntry) : undefined;
    let ahead = nextBatch();
    try {
      for (;;) {
        const batch = await ahead;
        if (!batch) return;
        ahead = nextBatch();
        yield batch;
      }
    } finally {
      ahead.catch(() => undefined);
      await cursor.close().catch(() => undefined);
    }
  }

  /** The entries from `fromSeq` to `toSeq` in sequence order, streamed, as stored (for verification and archives). */
  async *range(fromSeq: number, toSeq = Number.MAX_SAFE_INTEGER): AsyncGenerator<TrailEntry> {
    const cursor = this.entries
      .find({ _id: { $gte: fromSeq, $lte: toSeq } })
      .sort({ _id: 1 })
      .batchSize(1_000);
    for await (const doc of cursor) yield storedEntry(doc);
  }
}
