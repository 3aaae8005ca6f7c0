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
  /**
   * The first place of a lost writer's insert that may still land: its stale claim was settled with
   * nothing of it found. Moot once the chain holds that place (a late ordered insert then lands nothing).
   */
  lostFrom?: number;
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

/** What was found past the head, under our claim: the run adopted (the head moved over it) and what was removed. */
interface PastHead {
  run: EntryDoc[];
  orphans: number;
}

/**
 * The messages of `todo` whose entry is in `run` (now at or below the head, moved by us): recorded,
 * with that entry. Returns the others.
 */
function recordedIn(
  run: readonly EntryDoc[],
  contents: readonly EntryContent[],
  todo: readonly number[],
  outcomes: AppendOutcome[],
): number[] {
  const byKey = new Map(run.map((doc) => [doc.key, doc]));
  return todo.filter((i) => {
    const doc = byKey.get(contents[i]!.key);
    if (doc) outcomes[i] = { entry: entryOf(doc), duplicate: false };
    return !doc;
  });
}

/**
 * The most entries one insert command carries. FerretDB v1 (the local and test store) inserts 100
 * documents at a time and, after a refused one, goes on with its next 100 even when the insert is
 * ordered (FerretDB handler/msg_insert.go): entries after the refused one landed past the head, in
 * the places and with the keys of the messages built again after it, which were then taken for
 * duplicates and acked, and their entries later removed as a lost writer's (issue 13 §5).
 */
const INSERT_CHUNK = 100;

/** A claim older than this is a crashed writer's: another may settle it (by then the writer has long given up). */
const STALE_CLAIM_MS = 30_000;
const IDLE_RELEASE_MS = 200;
const MAX_HOLD_MS = 1_000;

/**
 * The append-only trail, written by one writer at a time even with several audit instances.
 *
 * The chain's head is one document, `{ seq, hash, pending }`. To append, a writer claims the next
 * place with a conditional update of that document (only one claim can match), inserts the entries
 * of a batch with `_id` = their sequence numbers (an ordered insert, INSERT_CHUNK a command), and
 * advances the head over them in one write, releasing the claim or claiming the next place. An
 * entry's place is unique (`_id`) and so is its key (the event's identity), so neither a fork nor a
 * second copy of an event can be stored.
 *
 * Nothing accepted is lost (issue 13 §5), so a message is acked only on one of two facts:
 * - recorded: this writer moved the head over its entry (an insert alone proves nothing: until the
 *   head moves over it an entry is past the head, and a head that did not move means our claim was
 *   taken as stale; then we conclude nothing, re-read the head and go again);
 * - duplicate: its key is held by an entry at or below the head.
 * Documents past the head belong to no acked message: a writer that died or lost its claim between
 * insert and head move leaves them, and an ordered insert of such a writer may even land after its
 * claim was settled (at `lostFrom`, its first place, while that is free). So a duplicate-key refusal
 * tells the key's from the place's only under a claim we verifiably still hold, and only once we know
 * what lies past the head: at the first refusal of each append we look (a range read: a scan on
 * FerretDB, but rare), adopt the run that links to the head (its messages recorded, the head moved),
 * remove what does not link (no acked message's entry: nobody moved the head over it), then retry.
 * Later refusals of the same append, under the same claim, need no look (so a batch of redelivered
 * messages costs one read, not one each): nobody else writes meanwhile, except such a late insert at
 * `lostFrom`, which the head document names.
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
  /** An insert or head move whose outcome is unknown (the store failed mid-way): settled on the next attempt. */
  private unsettled = false;
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
   * built in memory, written with one ordered insert (INSERT_CHUNK entries a command) and one move
   * of the head. One outcome per message, in the same order. Batches of this process run one after
   * another, in arrival order.
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
    // Whether this append looked past the head under the claim we hold (then a refusal is the key's).
    // Its own: between appends anything may have come past the head, so each append looks again.
    let looked = false;
    while (todo.length > 0) {
      const head = (this.head ??= await this.currentHead());
      if (this.holds !== head.seq + 1) {
        if (!(await this.claim(head))) {
          this.head = await this.settle();
          continue;
        }
        this.holds = head.seq + 1;
        this.heldSince = Date.now();
        looked = false;
      }
      if (this.unsettled) {
        // Kept until settled: the store may fail again while we look.
        const past = await this.tidyPastHead(head);
        this.unsettled = !past; // our claim gone: settled by whoever looks past the head next
        if (past) {
          looked = true;
          todo = recordedIn(past.run, contents, todo, outcomes);
        }
        continue;
      }
      const recordedAt = this.clock().toISOString();
      const entries: TrailEntry[] = [];
      let tip: ChainHead = head;
      for (const i of todo) entries.push((tip = linked(contents[i]!, tip, recordedAt)));
      let refused: number | undefined;
      try {
        refused = await this.insertInOrder(entries);
      } catch (err) {
        // The store failed mid-way (or said too little): a prefix may have landed; look next time.
        this.unsettled = true;
        this.holds = undefined; // renew the claim on the next attempt
        throw err;
      }
      if (refused === undefined) {
        // Not moved: our claim was taken as stale. Nothing concluded; the next round finds where they are.
        if (!(await this.advanceOrMarkUncertain(head, tip))) continue;
        for (const [k, i] of todo.entries()) outcomes[i] = { entry: entries[k]!, duplicate: false };
        return outcomes;
      }
      try {
        ({ todo, looked } = await this.afterRefusal(
          head,
          entries,
          refused,
          looked,
          contents,
          todo,
          outcomes,
        ));
      } catch (err) {
        // What landed before the refusal may be past the head still: look before trusting a refusal.
        this.unsettled = true;
        this.lostClaim();
        throw err;
      }
    }
    return outcomes;
  }

  /**
   * Inserts `entries` in order, up to the first refused for a duplicate key (whose index it returns):
   * those before it land, none after it. One command per INSERT_CHUNK, so that a store that goes on
   * past a refused document (FerretDB v1) cannot land those after it. Throws on any other failure.
   */
  private async insertInOrder(entries: readonly TrailEntry[]): Promise<number | undefined> {
    for (let from = 0; from < entries.length; from += INSERT_CHUNK) {
      const chunk = entries.slice(from, from + INSERT_CHUNK);
      try {
        await this.entries.insertMany(
          chunk.map((e) => ({ _id: e.seq, ...e })),
          { ordered: true },
        );
      } catch (err) {
        const refused = isDuplicateKey(err) ? firstRefused(err) : undefined;
        if (refused === undefined) throw err;
        return from + refused;
      }
    }
    return undefined;
  }

  /**
   * An ordered insert stopped at entry `refused` (those before it landed): either its key is in the
   * trail or its place is taken. Only under the claim we still hold, and knowing what lies past the
   * head (`looked`: this append did, under this claim), is the refusal the key's: then that message
   * is a duplicate. Returns what is left to append, and whether the append has now looked.
   */
  private async afterRefusal(
    head: ChainHead,
    entries: TrailEntry[],
    refused: number,
    looked: boolean,
    contents: EntryContent[],
    todo: number[],
    outcomes: AppendOutcome[],
  ): Promise<{ todo: number[]; looked: boolean }> {
    const doc = await this.chain.findOne({ _id: 'head' });
    if (doc?.seq !== head.seq || doc.pending?.by !== this.writer) {
      this.lostClaim(); // conclude nothing: what we inserted is past someone's head, or theirs now
      return { todo, looked: false };
    }
    const place = head.seq + refused + 1;
    if (looked && place !== doc.lostFrom) {
      // Nothing lies past the head but what we just inserted: the key is at or below the head.
      // Kept through the append: a new claim would have to look past the head again.
      if (refused > 0 && !(await this.advanceOrMarkUncertain(head, entries[refused - 1]!, true)))
        return { todo, looked: false };
      for (let k = 0; k < refused; k++) outcomes[todo[k]!] = { entry: entries[k]!, duplicate: false };
      outcomes[todo[refused]!] = { duplicate: true };
      // The rest are built again after what landed (their places and links have changed).
      return { todo: todo.slice(refused + 1), looked };
    }
    const past = await this.tidyPastHead(head);
    if (!past) return { todo, looked: false };
    const left = recordedIn(past.run, contents, todo, outcomes);
    // Past the head was only what we inserted before the refused one: its key is at or below the head.
    if (past.run.length === refused && past.orphans === 0) {
      outcomes[todo[refused]!] = { duplicate: true };
      return { todo: left.filter((i) => i !== todo[refused]), looked: true };
    }
    return { todo: left, looked: true };
  }

  /**
   * Looks at what lies past the head (a range read: a scan on FerretDB, but rare), under our claim:
   * the run that links to the head is adopted (the head moves over it), what does not link is removed
   * (nobody moved the head over it, so it is no acked message's entry). Undefined when our claim is
   * gone: then nothing is concluded.
   */
  private async tidyPastHead(head: ChainHead): Promise<PastHead | undefined> {
    const past = await this.entries
      .find({ _id: { $gt: head.seq } })
      .sort({ _id: 1 })
      .toArray();
    const run = contiguousRun(past, head);
    const orphans = past.slice(run.length);
    // Either write is conditional on our claim and renews it: the removal below runs under a fresh one.
    const held =
      run.length > 0 ? await this.advanceOrMarkUncertain(head, run.at(-1)!, true) : await this.renew(head);
    if (!held) {
      this.lostClaim();
      return undefined;
    }
    if (orphans.length > 0) {
      this.logger.warn(
        { head: head.seq, adopted: run.length, removed: orphans.length, places: orphans.map((o) => o._id) },
        'the trail held entries past its head that do not link to it (a lost writer’s); removed them',
      );
      // Each exactly as read: a document that took its place since is not touched.
      await this.entries.deleteMany({ $or: orphans.map((o) => ({ _id: o._id, hash: o.hash ?? null })) });
    }
    return { run, orphans: orphans.length };
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

  /**
   * A writer died holding the claim (or stalled past STALE_CLAIM_MS): keep the entries it wrote (a
   * batch: a run of them), and free the place. With nothing of it found, its insert may still be on
   * its way: the head names where it would land, so the next writer looks before trusting a refusal.
   */
  private async recover(doc: HeadDoc, claim: Claim): Promise<void> {
    this.logger.warn({ claim }, 'a writer of the trail left a stale claim; settling it');
    const written = await this.entries
      .find({ _id: { $gte: claim.seq } })
      .sort({ _id: 1 })
      .toArray();
    const last = contiguousRun(written, { seq: doc.seq, hash: doc.hash }).at(-1);
    await this.chain.updateOne(
      { _id: 'head', seq: doc.seq, 'pending.by': claim.by, 'pending.at': claim.at },
      {
        $set: last
          ? { seq: last.seq, hash: last.hash, pending: null }
          : { pending: null, lostFrom: claim.seq },
      },
    );
  }

  /** Renews the claim we hold on head.seq + 1; false when it is no longer ours (never takes a free place). */
  private async renew(head: ChainHead): Promise<boolean> {
    const renewed = await this.chain.updateOne(
      { _id: 'head', seq: head.seq, 'pending.by': this.writer },
      { $set: { 'pending.at': Date.now() } },
    );
    return renewed.matchedCount === 1;
  }

  /** Our claim was taken (as stale): whatever we knew of the head and past it is stale too. */
  private lostClaim(): void {
    this.head = undefined;
    this.holds = undefined;
  }

  /**
   * Moves the head to `entry` and, in the same write, claims the next place: a busy writer spends two
   * writes per entry (insert, advance). It lets go after a moment of idleness, and at least every
   * second under load, so another instance gets its turn (`keep`: it keeps the claim regardless).
   * False when not moved: our claim was taken as stale; then we know nothing and re-read the head.
   */
  private async advance(
    fromSeq: number,
    entry: { seq: number; hash: string },
    keep = false,
  ): Promise<boolean> {
    const next = keep || this.keepClaiming() ? { seq: entry.seq + 1, by: this.writer, at: Date.now() } : null;
    const moved = await this.chain.updateOne(
      { _id: 'head', seq: fromSeq, 'pending.by': this.writer },
      { $set: { seq: entry.seq, hash: entry.hash, pending: next } },
    );
    if (moved.matchedCount !== 1) {
      this.lostClaim();
      return false;
    }
    this.head = { seq: entry.seq, hash: entry.hash };
    this.holds = next ? next.seq : undefined;
    return true;
  }

  /**
   * advance(), and when the store fails on it: the entries are in but the head may not have moved,
   * so the next attempt re-reads the head and settles them first. Without this a retry would build on
   * the old head, meet its own entries' places taken, and take them for duplicates of their events.
   */
  private async advanceOrMarkUncertain(
    head: ChainHead,
    last: { seq: number; hash: string },
    keep = false,
  ): Promise<boolean> {
    try {
      return await this.advance(head.seq, last, keep);
    } catch (err) {
      this.unsettled = true;
      this.lostClaim();
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
