import {
  AckPolicy,
  DeliverPolicy,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { eventMetrics } from './metrics.js';
import { KeyedScheduler, orderKeyOf } from './partition.js';
import { isNotFound, type StreamName } from './topology.js';

export interface ConsumerLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface DurableOptions {
  /** Durable name, `<service>-<purpose>`. */
  durable: string;
  stream: StreamName;
  filterSubjects: string[];
  /** How long a delivered message stays ours unacknowledged before JetStream redelivers it. */
  ackWaitMs?: number;
  /** Messages delivered and not yet acknowledged, across every instance of the service. */
  maxAckPending?: number;
  /** Messages fetched and buffered ahead of those being handled. */
  batch?: number;
  /**
   * Messages handled at once here, across ordering keys (1, the default, handles them one at a time
   * in stream order). Messages of one key are handled one after another, in stream order.
   */
  concurrency?: number;
  /** What must be handled in order: by default the event's aggregate (`orderKeyOf`). */
  orderKey?: (m: JsMsg) => string;
}

/**
 * One durable pull consumer with explicit acks, and the loop that feeds its messages to `onMessage`,
 * up to `concurrency` at once and one at a time per ordering key: created or updated at start,
 * resumed after an interruption (a server restart, a deleted consumer), stopped cleanly. What is
 * acked, nak'ed or refused is the caller's business.
 *
 * Backpressure: it fetches only what there is room for (`inFlightBound`), never a standing buffer.
 * A JetStream client's prefetch buffer (`consume`) holds messages the code cannot reach: behind a
 * slow handler they outlive the ack wait and come back as redeliveries, which count towards the
 * poison limit. Here every message fetched is in hand, and kept ours with an in-progress ack every
 * third of the ack wait until `onMessage` is done with it: slow is never taken for dead.
 */
export class DurableConsumer {
  /** How often the consumer's state is read from JetStream for the metrics. */
  static sampleEveryMs = 15_000;
  /** How long one fetch waits for messages before the next is asked for. */
  static fetchExpiresMs = 5_000;
  private messages?: ConsumerMessages;
  private loop?: Promise<void>;
  private sampler?: NodeJS.Timeout;
  private stopping = false;
  /** The fetch loop, waiting for room to fetch more: woken by each message handled, and by `stop`. */
  private readonly roomWaiters: (() => void)[] = [];

  constructor(
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    readonly options: DurableOptions,
    private readonly logger: ConsumerLogger,
  ) {}

  get durable(): string {
    return this.options.durable;
  }

  /** True once `stop` was called: a long handler may give its message back rather than finish. */
  get stopped(): boolean {
    return this.stopping;
  }

  /** Creates or updates the durable consumer; idempotent. */
  async ensure(): Promise<void> {
    const { durable, stream, filterSubjects } = this.options;
    const config = {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subjects: filterSubjects,
      // The bound is ours (dead-letter after the last attempt); the server never drops a message silently.
      max_deliver: -1,
      ack_wait: (this.options.ackWaitMs ?? 30_000) * 1_000_000,
      max_ack_pending: this.options.maxAckPending ?? 1_000,
    };
    try {
      await this.jsm.consumers.info(stream, durable);
      await this.jsm.consumers.update(stream, durable, config);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      await this.jsm.consumers.add(stream, config);
    }
  }

  async start(onMessage: (m: JsMsg) => Promise<void>): Promise<void> {
    await this.ensure();
    this.stopping = false;
    this.loop = this.run(onMessage);
    // Lag as JetStream counts it, also while the handler is stuck or nothing is delivered.
    this.sampler = setInterval(() => void this.sample(), DurableConsumer.sampleEveryMs).unref();
    void this.sample();
  }

  /**
   * Reads the consumer's info into the metrics: `num_pending` (not yet delivered: the lag),
   * `num_ack_pending` and `num_redelivered`. A failure leaves them as they were until the next sample.
   */
  async sample(): Promise<void> {
    const { stream, durable } = this.options;
    try {
      const info = await this.jsm.consumers.info(stream, durable);
      eventMetrics.consumerLag.set({ consumer: durable }, info.num_pending);
      eventMetrics.consumerAckPending.set({ consumer: durable }, info.num_ack_pending);
      eventMetrics.consumerRedelivered.set({ consumer: durable }, info.num_redelivered);
    } catch {
      // The loop reports interruptions; the next sample tries again.
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.sampler);
    this.stopping = true;
    for (const wake of this.roomWaiters.splice(0)) wake();
    await this.messages?.close();
    await this.loop;
  }

  private async run(onMessage: (m: JsMsg) => Promise<void>): Promise<void> {
    const { stream, durable } = this.options;
    const orderKey = this.options.orderKey ?? orderKeyOf;
    const capacity = inFlightBound(this.options);
    const scheduler = new KeyedScheduler(this.options.concurrency ?? 1, (err) =>
      this.logger.error({ err, consumer: durable }, 'message handling failed outside its handler'),
    );
    // Every message fetched and not yet handled: ours until then, however long it waits or takes.
    const inHand = new Set<JsMsg>();
    const roomWaiters = this.roomWaiters;
    const ackWaitMs = this.options.ackWaitMs ?? 30_000;
    const keepAlive = setInterval(
      () => {
        for (const m of inHand) m.working();
      },
      Math.max(ackWaitMs / 3, 100),
    ).unref();
    const handle = async (m: JsMsg) => {
      try {
        // Fetched, or waiting behind its key, but not begun before a stop: back at once, not after the ack wait.
        if (this.stopping) return m.nak();
        await onMessage(m);
        eventMetrics.consumerLag.set({ consumer: durable }, m.info.pending);
      } finally {
        inHand.delete(m);
        roomWaiters.shift()?.();
      }
    };
    // Admissions one after another, in fetch order (the order of each key), without holding up the fetch.
    let admitted: Promise<void> = Promise.resolve();
    const take = (m: JsMsg) => {
      inHand.add(m);
      if (m.info.redelivered) eventMetrics.redelivered.inc({ consumer: durable });
      admitted = admitted.then(() => scheduler.admit(orderKey(m), () => handle(m)));
    };
    // A fetch asks for what there is room for, and waits until a quarter of the room is free.
    const minFetch = Math.max(1, Math.floor(capacity / 4));
    const room = async () => {
      while (!this.stopping && capacity - inHand.size < minFetch)
        await new Promise<void>((r) => roomWaiters.push(r));
    };
    while (!this.stopping) {
      try {
        const consumer = await this.js.consumers.get(stream, durable);
        while (!this.stopping) {
          await room();
          if (this.stopping) break;
          const messages = await consumer.fetch({
            max_messages: capacity - inHand.size,
            expires: DurableConsumer.fetchExpiresMs,
          });
          this.messages = messages;
          // A stop that came while the fetch was being opened found nothing to close: close it now.
          if (this.stopping) void messages.close();
          for await (const m of messages) {
            if (this.stopping) {
              m.nak();
              continue;
            }
            take(m);
          }
        }
      } catch (err) {
        if (this.stopping) break;
        this.logger.warn({ err, consumer: durable }, 'consumer interrupted; resuming');
        await new Promise((r) => setTimeout(r, 1_000));
        // Gone from the server (deleted, or a server that lost its state): declared again.
        if (isNotFound(err)) await this.ensure().catch(() => undefined);
      }
    }
    await admitted;
    await scheduler.drain();
    clearInterval(keepAlive);
  }
}

/**
 * The most messages one instance of a durable holds unacknowledged: those being handled and those
 * fetched ahead of them (`concurrency + batch`). It pulls no more than that, so a slow handler makes
 * the stream wait in JetStream, not in the process's memory.
 */
export function inFlightBound(options: Pick<DurableOptions, 'concurrency' | 'batch'>): number {
  const concurrency = options.concurrency ?? 1;
  return concurrency + (options.batch ?? Math.max(64, 2 * concurrency));
}
