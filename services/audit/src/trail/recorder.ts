import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { jetstreamManager, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { backoffDelay } from '@openlgsp/domain';
import { DurableConsumer, JETSTREAM, NATS_CONNECTION, type DurableOptions } from '@openlgsp/events';
import { createLogger, withConsumerSpan } from '@openlgsp/telemetry';
import { Counter, register } from 'prom-client';
import { AUDIT_CONFIG, type AuditConfig } from '../config.js';
import type { MessageHeader, ReceivedMessage } from './entry.model.js';
import { TrailStore, type AppendOutcome } from './trail.store.js';

const recorded =
  (register.getSingleMetric('lgsp_audit_entries_total') as Counter<string>) ??
  new Counter({
    name: 'lgsp_audit_entries_total',
    help: 'Messages seen by the audit recorder, by stream and outcome (recorded, duplicate)',
    labelNames: ['stream', 'outcome'],
  });
const storeFailures =
  (register.getSingleMetric('lgsp_audit_store_failures_total') as Counter<string>) ??
  new Counter({
    name: 'lgsp_audit_store_failures_total',
    help: 'Appends that failed and are being retried (the message waits in JetStream meanwhile)',
    labelNames: ['stream'],
  });

/**
 * The audit trail's consumers: every stream whole, raw (malformed messages are evidence too). Its own
 * checkpoints stay out: recording them would move the head each time it is signed.
 */
export const AUDIT_CONSUMERS: Omit<DurableOptions, 'ackWaitMs'>[] = [
  { durable: 'audit-catalogue', stream: 'CATALOGUE', filterSubjects: ['lgsp.catalogue.>'] },
  { durable: 'audit-sharing', stream: 'SHARING', filterSubjects: ['lgsp.sharing.>'] },
  { durable: 'audit-opendata', stream: 'OPENDATA', filterSubjects: ['lgsp.opendata.>'] },
  {
    durable: 'audit-access',
    stream: 'AUDIT',
    filterSubjects: ['lgsp.audit.access.>', 'lgsp.audit.operator.>'],
  },
  { durable: 'audit-incidents', stream: 'INCIDENTS', filterSubjects: ['lgsp.incidents.>'] },
  { durable: 'audit-intake', stream: 'INTAKE', filterSubjects: ['lgsp.intake.>'] },
  { durable: 'audit-rejected', stream: 'REJECTED', filterSubjects: ['lgsp.rejected.>'] },
  { durable: 'audit-dlq', stream: 'DLQ', filterSubjects: ['lgsp.dlq.>'] },
];

/** The message exactly as JetStream delivered it: every header value in order, and the body's bytes. */
export function received(m: JsMsg): ReceivedMessage {
  const headers: MessageHeader[] = [];
  if (m.headers)
    for (const name of m.headers.keys())
      for (const value of m.headers.values(name)) headers.push({ name, value });
  return {
    stream: m.info.stream,
    streamSeq: m.info.streamSequence,
    subject: m.subject,
    headers,
    data: m.data,
  };
}

/** The most messages one append takes: one ordered insert of this many entries, one move of the head. */
export const MAX_BATCH = 500;
/** …and at most about this many bytes of message bodies (entries hold them base64, a third more). */
export const MAX_BATCH_BYTES = 8 * 1024 * 1024;
/** How many of the first waiting messages make the next batch: by count and size, one at least. */
export function batchLength(waiting: readonly { message: { data: Uint8Array } }[]): number {
  let bytes = 0;
  let n = 0;
  while (
    n < waiting.length &&
    n < MAX_BATCH &&
    (n === 0 || bytes + waiting[n]!.message.data.length <= MAX_BATCH_BYTES)
  )
    bytes += waiting[n++]!.message.data.length;
  return n;
}

/** Messages received but not yet appended; beyond this the consumers wait (JetStream holds the rest). */
const MAX_WAITING = 4 * MAX_BATCH;

interface Waiting {
  m: JsMsg;
  message: ReceivedMessage;
  consumer: string;
  /** Ends the message's consumer span: with its outcome, or undefined when it was given back. */
  settle: (outcome: AppendOutcome | undefined) => void;
}

/**
 * Records each message of every stream in the trail, then acks. Nothing is ever dead-lettered or
 * refused: a malformed message is evidence, and a store failure is retried in place (the message and
 * those behind it wait in JetStream), which also keeps each stream's order. A crash before the ack
 * means a redelivery, which the entry key turns into a no-op.
 *
 * Group commit: the consumers hand messages to one queue; one writer takes what has queued (up to
 * MAX_BATCH, in arrival order), appends it as one batch (one ordered insert, one move of the head) and acks
 * it all. Under load the batches grow by themselves; a lone message waits for nothing but its write.
 */
@Injectable()
export class TrailRecorder implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = createLogger('audit');
  private readonly consumers: DurableConsumer[] = [];
  private stopped = false;
  private waiting: Waiting[] = [];
  /** The batch being appended: ours until acked, however long the store takes. */
  private committing: Waiting[] = [];
  private writing?: Promise<void>;
  private keepAlive?: NodeJS.Timeout;
  private readonly roomWaiters: (() => void)[] = [];

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    @Inject(AUDIT_CONFIG) private readonly config: AuditConfig,
    private readonly trail: TrailStore,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.recorder) return;
    // What waits here, in the batch being appended or queued behind it, stays ours: a store that takes
    // longer than the ack wait (stalled, or slow under load) must not make JetStream deliver it again,
    // or the copies queue up behind it and each slow batch makes the next one longer.
    this.keepAlive = setInterval(
      () => {
        for (const w of this.committing) w.m.working();
        for (const w of this.waiting) w.m.working();
      },
      Math.max(this.config.recorderAckWaitMs / 3, 100),
    ).unref();
    const jsm = await jetstreamManager(this.nc);
    for (const spec of AUDIT_CONSUMERS) {
      const consumer = new DurableConsumer(
        this.js,
        jsm,
        { ...spec, ackWaitMs: this.config.recorderAckWaitMs, maxAckPending: 1_000, batch: 256 },
        this.logger,
      );
      await consumer.start((m) => this.receive(m, spec.durable));
      this.consumers.push(consumer);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.consumers.map((c) => c.stop()));
    await this.writing;
    clearInterval(this.keepAlive);
    this.giveBack(this.waiting.splice(0));
    for (const wake of this.roomWaiters.splice(0)) wake();
  }

  /** Queues a message for the next batch; waits only while the queue is full. */
  private async receive(m: JsMsg, consumer: string): Promise<void> {
    if (this.stopped) return m.nak();
    const message = received(m);
    const carrier = {
      traceparent: m.headers?.get('ce-traceparent') || undefined,
      tracestate: m.headers?.get('ce-tracestate') || undefined,
    };
    // The consumer span lasts until the message is in the trail (or given back).
    void withConsumerSpan(
      {
        subject: m.subject,
        messageId: m.headers?.get('ce-id') || `${message.stream}#${message.streamSeq}`,
        eventType: m.headers?.get('ce-type') || 'unknown',
        carrier,
        consumerGroup: consumer,
        deliveryCount: m.info.deliveryCount,
      },
      () =>
        new Promise<AppendOutcome | undefined>((settle) =>
          this.waiting.push({ m, message, consumer, settle }),
        ),
    );
    this.write();
    while (this.waiting.length >= MAX_WAITING && !this.stopped)
      await new Promise<void>((r) => this.roomWaiters.push(r));
  }

  private write(): void {
    this.writing ??= this.drain().finally(() => {
      this.writing = undefined;
      if (this.waiting.length > 0 && !this.stopped) this.write();
    });
  }

  private async drain(): Promise<void> {
    while (this.waiting.length > 0) {
      const batch = (this.committing = this.waiting.splice(0, batchLength(this.waiting)));
      for (const wake of this.roomWaiters.splice(0)) wake();
      await this.commit(batch);
      this.committing = [];
    }
  }

  /** Appends a batch, retrying in place while the store is away; acks each message once it is in. */
  private async commit(batch: Waiting[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      if (this.stopped) return this.giveBack(batch);
      try {
        const outcomes = await this.trail.appendBatch(batch.map((w) => w.message));
        for (const [i, w] of batch.entries()) {
          const outcome = outcomes[i]!;
          recorded.inc({ stream: w.message.stream, outcome: outcome.duplicate ? 'duplicate' : 'recorded' });
          w.m.ack();
          w.settle(outcome);
        }
        return;
      } catch (err) {
        storeFailures.inc({ stream: batch[0]!.message.stream });
        if (attempt % 10 === 0)
          this.logger.warn(
            { err, consumers: [...new Set(batch.map((w) => w.consumer))], messages: batch.length, attempt },
            'could not record messages; retrying (they wait in JetStream)',
          );
        // Doubling from 250 ms up to 16 s (the keep-alive holds the messages meanwhile).
        const wait = backoffDelay(attempt, {
          baseMs: 250,
          maxMs: Math.min(16_000, this.config.recorderAckWaitMs / 2),
        });
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }

  /** Stopping: what is not in the trail goes back to JetStream at once, for the next instance. */
  private giveBack(batch: Waiting[]): void {
    for (const w of batch) {
      w.m.nak();
      w.settle(undefined);
    }
  }
}
