import { DeliverPolicy, type ConsumerMessages, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';
import { fromNatsMessage, type LgspEvent } from '@openlgsp/events';
import { FEED_STREAM, type FeedFilter, type ResumePoint } from './feed.model.js';
import { matchesFilter } from './position.rules.js';
import { disconnectFrame, feedItemFrame, HEARTBEAT, sseFrame, type DisconnectReason } from './sse.js';

/**
 * Where a client's stream goes: the least of a Node writable (Fastify's `reply.raw`, an
 * `http.ServerResponse`). `write` returning false means "slow down until 'drain'".
 */
export interface FeedWriter {
  write(chunk: string): boolean;
  on(event: 'drain' | 'close', listener: () => void): unknown;
  end(): void;
}

export interface FanoutOptions {
  stream?: string;
  /** Frames waiting for one slow client; past it (or maxQueuedBytes) the client is disconnected. */
  maxQueuedItems?: number;
  maxQueuedBytes?: number;
  /** A comment every so often keeps idle connections open through proxies. */
  heartbeatMs?: number;
  /** Sent to EventSource as `retry:`, its reconnect delay. */
  retryMs?: number;
  /** Messages fetched at a time when replaying a client's backlog. */
  replayBatch?: number;
  /** A replaying client whose socket takes nothing for this long is disconnected as too slow. */
  maxStallMs?: number;
}

export const FANOUT_DEFAULTS: Required<FanoutOptions> = {
  stream: FEED_STREAM,
  maxQueuedItems: 512,
  maxQueuedBytes: 4 * 1024 * 1024,
  heartbeatMs: 15_000,
  retryMs: 3_000,
  replayBatch: 256,
  maxStallMs: 30_000,
};

/** A message of the stream as the fan-out sees it; `event` is absent when it is not a CloudEvent. */
export interface StreamEntry {
  position: number;
  event?: LgspEvent;
}

function entryOf(m: JsMsg): StreamEntry {
  try {
    return { position: m.seq, event: fromNatsMessage(m.headers, m.data) };
  } catch {
    return { position: m.seq };
  }
}

/**
 * The SSE side of the change feed: ONE ordered JetStream consumer per instance on the OPENDATA
 * stream, fanned out to every connected client, each with its own bounded queue.
 *
 * A client that resumes from an older position first gets a replay of its own (an ephemeral
 * ordered consumer from its position, paced by its socket) while the live tail is collected for
 * it; once the replay has covered everything before the first collected live message, the
 * collected ones are flushed and it joins the shared tail. Positions are compared throughout, so a
 * message is never sent twice nor skipped. If the collected tail outgrows its bound, its oldest
 * messages are dropped and the replay simply runs further to cover them.
 */
export class FeedFanout {
  private readonly options: Required<FanoutOptions>;
  private readonly clients = new Set<FeedClient>();
  private messages: ConsumerMessages | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private closing = false;
  /** The last position dispatched to the live clients. */
  private tail = 0;

  constructor(
    private readonly js: JetStreamClient,
    options: FanoutOptions = {},
  ) {
    this.options = { ...FANOUT_DEFAULTS, ...options };
  }

  get clientCount(): number {
    return this.clients.size;
  }

  get livePosition(): number {
    return this.tail;
  }

  /** Subscribes to the stream's tail; call once before connect(). */
  async start(): Promise<void> {
    const last = await this.lastPosition();
    this.tail = last;
    const consumer = await this.js.consumers.get(this.options.stream, {
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: last + 1,
    });
    this.messages = await consumer.consume();
    const messages = this.messages;
    this.running = (async () => {
      try {
        for await (const m of messages) this.dispatch(entryOf(m));
      } finally {
        if (!this.closing) this.closeAll('feed-unavailable');
      }
    })().catch(() => undefined);
    this.heartbeat = setInterval(() => {
      for (const client of this.clients) client.beat();
    }, this.options.heartbeatMs);
    this.heartbeat.unref();
  }

  /**
   * Serves one client from its resume point. Resolves once the client is registered (its replay, if
   * any, runs on); the stream ends when the writer closes, the client is too slow, or close().
   */
  async connect(
    writer: FeedWriter,
    request: { filter: FeedFilter; resume: ResumePoint },
  ): Promise<FeedClient> {
    if (!this.messages || this.closing) throw new Error('the feed fan-out is not running');
    const client = new FeedClient(writer, request.filter, this.options, (c) => this.clients.delete(c));
    // Registered before the stream's end is read: whatever is published from here on reaches the
    // client through the live tail, whatever was before it through the replay.
    this.clients.add(client);
    // "From now on" is after the last message dispatched to live clients, not the stream's end: a
    // message stored before the end is read but dispatched after it would otherwise be passed over.
    const joinedAfter = this.tail;
    writer.write(sseFrame({ retry: this.options.retryMs }));
    try {
      const end = await this.lastPosition();
      const from =
        request.resume.kind === 'live' ? joinedAfter : await this.startingCursor(request.resume, end);
      client.begin(from, end, () => this.replay(client));
    } catch (error) {
      client.close('feed-unavailable');
      throw error;
    }
    return client;
  }

  /** Ends every client's stream with a `disconnect` frame and stops the subscription. */
  async close(reason: DisconnectReason = 'shutdown'): Promise<void> {
    this.closing = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.closeAll(reason);
    await this.messages?.close();
    await this.running;
  }

  private closeAll(reason: DisconnectReason): void {
    for (const client of [...this.clients]) client.close(reason);
  }

  private dispatch(entry: StreamEntry): void {
    this.tail = entry.position;
    for (const client of this.clients) client.offerLive(entry);
  }

  private async lastPosition(): Promise<number> {
    const jsm = await this.js.jetstreamManager();
    return (await jsm.streams.info(this.options.stream)).state.last_seq;
  }

  private async startingCursor(resume: ResumePoint, end: number): Promise<number> {
    switch (resume.kind) {
      case 'live':
        return end;
      case 'after':
        return resume.position;
      case 'time': {
        const consumer = await this.js.consumers.get(this.options.stream, {
          deliver_policy: DeliverPolicy.StartTime,
          opt_start_time: resume.time,
        });
        try {
          const first = await consumer.next({ expires: 1_000 });
          return first ? first.seq - 1 : end;
        } finally {
          await consumer.delete().catch(() => undefined);
        }
      }
    }
  }

  /**
   * Reads the stream after `cursor` for one client, at its pace, until it has caught up. The hand-over
   * waits for the client's queue to empty, so flushing the collected tail cannot overflow it; if the
   * tail outgrew its bound meanwhile, replaying resumes. Each round reads with a fresh ordered consumer
   * from the client's cursor, so a round left mid-batch skips nothing.
   */
  private async replay(client: FeedClient): Promise<void> {
    while (client.replaying) {
      if (client.caughtUp()) {
        await client.emptied();
        if (client.caughtUp()) client.goLive();
        continue;
      }
      const consumer = await this.js.consumers.get(this.options.stream, {
        deliver_policy: DeliverPolicy.StartSequence,
        opt_start_seq: client.cursorPosition + 1,
      });
      let received = 0;
      try {
        const batch = await consumer.fetch({ max_messages: this.options.replayBatch, expires: 2_000 });
        for await (const m of batch) {
          received++;
          await client.room();
          if (!client.replaying) break;
          client.accept(entryOf(m));
          if (client.caughtUp()) break;
        }
      } finally {
        await consumer.delete().catch(() => undefined);
      }
      if (received === 0 && client.replaying) {
        // Nothing more to read (what the tail lacks left the stream by retention): hand over as is.
        await client.emptied();
        client.goLive();
      }
    }
  }
}

interface QueuedFrame {
  frame: string;
  bytes: number;
  /** The position up to which the client is served once this frame is written. */
  position: number;
}

/** One connected SSE client: its filter, cursor and bounded queue. */
export class FeedClient {
  private state: 'starting' | 'replaying' | 'live' | 'closed' = 'starting';
  /** The last stream position handled for this client (queued, written or not matching). */
  private cursor = 0;
  /** The last position whose frame was handed to the writer (or skipped before it). */
  private written = 0;
  private readonly queue: QueuedFrame[] = [];
  private queuedBytes = 0;
  private blocked = false;
  private roomWaiters: (() => void)[] = [];
  private emptyWaiters: (() => void)[] = [];
  /** While replaying: the live messages that match, and where the live tail began for this client. */
  private collected: StreamEntry[] = [];
  private liveFrom: number | undefined;
  private liveSeen = 0;
  private replayEnd = 0;
  private closeReason: DisconnectReason | 'client-left' | undefined;

  constructor(
    private readonly writer: FeedWriter,
    readonly filter: FeedFilter,
    private readonly limits: Required<FanoutOptions>,
    private readonly onClosed: (client: FeedClient) => void,
  ) {
    writer.on('drain', () => {
      this.blocked = false;
      this.pump();
    });
    writer.on('close', () => this.finish('client-left'));
  }

  /** The position to resume after: everything up to it was written to this client. */
  get position(): number {
    return this.written;
  }

  /** The last stream position handled for this client (written, queued or passed over). */
  get cursorPosition(): number {
    return this.cursor;
  }

  get replaying(): boolean {
    return this.state === 'replaying';
  }

  get closedBecause(): DisconnectReason | 'client-left' | undefined {
    return this.closeReason;
  }

  /** Starts serving after `cursor`; `end` is the stream's last position when the client registered. */
  begin(cursor: number, end: number, replay: () => Promise<void>): void {
    if (this.state !== 'starting') return;
    this.cursor = cursor;
    this.written = cursor;
    this.replayEnd = end;
    this.state = 'replaying';
    if (this.caughtUp()) return this.goLive();
    replay().catch(() => this.close('feed-unavailable'));
  }

  offerLive(entry: StreamEntry): void {
    if (this.state === 'live') return this.accept(entry);
    if (this.state !== 'replaying' && this.state !== 'starting') return;
    this.liveFrom ??= entry.position;
    this.liveSeen = entry.position;
    if (!entry.event || !matchesFilter(this.filter, entry.event)) return;
    this.collected.push(entry);
    if (this.collected.length > this.limits.maxQueuedItems) {
      // Kept bounded: the replay now has to reach the dropped message itself.
      const dropped = this.collected.shift()!;
      this.liveFrom = dropped.position + 1;
    }
  }

  /** Whether the replay has covered everything the live tail did not collect. */
  caughtUp(): boolean {
    if (this.cursor < this.replayEnd) return false;
    return this.liveFrom === undefined || this.cursor >= this.liveFrom - 1;
  }

  goLive(): void {
    if (this.state !== 'replaying') return;
    this.state = 'live';
    const collected = this.collected;
    this.collected = [];
    for (const entry of collected) this.accept(entry);
    if (this.state === 'live' && this.liveSeen > this.cursor) this.skipTo(this.liveSeen);
  }

  /** Takes one stream message in order: queues it if it matches, otherwise just moves on. */
  accept(entry: StreamEntry): void {
    if (this.state === 'closed' || entry.position <= this.cursor) return;
    if (!entry.event || !matchesFilter(this.filter, entry.event)) return this.skipTo(entry.position);
    const frame = feedItemFrame({ position: entry.position, event: entry.event });
    const bytes = Buffer.byteLength(frame);
    if (
      this.queue.length >= this.limits.maxQueuedItems ||
      this.queuedBytes + bytes > this.limits.maxQueuedBytes
    )
      return this.close('too-slow');
    this.cursor = entry.position;
    this.queue.push({ frame, bytes, position: entry.position });
    this.queuedBytes += bytes;
    this.pump();
  }

  /** Resolves when the queue is at most half full, so a replay never overflows it. */
  room(): Promise<void> {
    if (this.state === 'closed' || this.queue.length * 2 <= this.limits.maxQueuedItems)
      return Promise.resolve();
    return this.stallBounded(this.roomWaiters);
  }

  /** Resolves when nothing is queued (or the client is gone). */
  emptied(): Promise<void> {
    if (this.state === 'closed' || this.queue.length === 0) return Promise.resolve();
    return this.stallBounded(this.emptyWaiters);
  }

  /** Waits in `waiters`; a socket that takes nothing for maxStallMs closes the client instead. */
  private stallBounded(waiters: (() => void)[]): Promise<void> {
    return new Promise((resolve) => {
      const stalled = setTimeout(() => this.close('too-slow'), this.limits.maxStallMs);
      stalled.unref();
      waiters.push(() => {
        clearTimeout(stalled);
        resolve();
      });
    });
  }

  beat(): void {
    if (this.state === 'closed' || this.blocked || this.queue.length) return;
    if (!this.writer.write(HEARTBEAT)) this.blocked = true;
  }

  /** Ends the stream with a `disconnect` frame naming the reason and the position to resume after. */
  close(reason: DisconnectReason): void {
    if (this.state === 'closed') return;
    this.queue.length = 0;
    this.queuedBytes = 0;
    this.writer.write(disconnectFrame(reason, this.written));
    // Closed before end(): the writer's own 'close' must not overwrite the reason.
    this.finish(reason);
    this.writer.end();
  }

  private skipTo(position: number): void {
    this.cursor = position;
    const last = this.queue.at(-1);
    if (last) last.position = position;
    else this.written = position;
  }

  private pump(): void {
    while (!this.blocked && this.queue.length && this.state !== 'closed') {
      const next = this.queue.shift()!;
      this.queuedBytes -= next.bytes;
      this.written = next.position;
      if (!this.writer.write(next.frame)) this.blocked = true;
    }
    if (this.queue.length * 2 <= this.limits.maxQueuedItems) this.wake();
  }

  private wake(): void {
    const waiters = this.roomWaiters;
    this.roomWaiters = [];
    if (this.queue.length === 0 || this.state === 'closed') {
      waiters.push(...this.emptyWaiters);
      this.emptyWaiters = [];
    }
    for (const resolve of waiters) resolve();
  }

  private finish(reason: DisconnectReason | 'client-left'): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.closeReason = reason;
    this.collected = [];
    this.wake();
    this.onClosed(this);
  }
}
