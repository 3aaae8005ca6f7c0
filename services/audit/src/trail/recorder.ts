import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import {
  AckPolicy,
  DeliverPolicy,
  jetstreamManager,
  type ConsumerMessages,
  type JetStreamClient,
  type JsMsg,
} from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  CONSUMERS,
  JETSTREAM,
  NATS_CONNECTION,
  eventMetrics,
  isNotFound,
  type ConsumerSpec,
} from '@openlgsp/events';
import { createLogger, withConsumerSpan } from '@openlgsp/telemetry';
import { Counter, register } from 'prom-client';
import type { MessageHeader, ReceivedMessage } from './entry.model.js';
import { TrailStore } from './trail.store.js';

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

/** How long a delivered message stays ours unacknowledged (AUDIT_ACK_WAIT_MS, default 30 s). */
const ackWaitMs = () => Math.max(1_000, Number(process.env.AUDIT_ACK_WAIT_MS ?? 30_000));

/**
 * Reads every stream with durable pull consumers and records each message in the trail, then acks.
 * Nothing is ever dead-lettered or refused: a malformed message is evidence, and a store failure is
 * retried in place (the message and those behind it wait in JetStream), which also keeps each
 * stream's order. A crash before the ack means a redelivery, which the entry key turns into a no-op.
 */
@Injectable()
export class TrailRecorder implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = createLogger('audit');
  private readonly loops: Promise<void>[] = [];
  private readonly open = new Set<ConsumerMessages>();
  private stopped = false;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    private readonly trail: TrailStore,
  ) {}

  specs(): ConsumerSpec[] {
    return CONSUMERS.audit ?? [];
  }

  async onApplicationBootstrap(): Promise<void> {
    if (process.env.AUDIT_RECORDER === 'off') return;
    const jsm = await jetstreamManager(this.nc);
    for (const spec of this.specs()) {
      const config = {
        durable_name: spec.durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        filter_subjects: spec.filterSubjects,
        max_deliver: -1,
        ack_wait: ackWaitMs() * 1_000_000,
        max_ack_pending: 256,
      };
      try {
        await jsm.consumers.info(spec.stream, spec.durable);
        await jsm.consumers.update(spec.stream, spec.durable, config);
      } catch (err) {
        if (!isNotFound(err)) throw err;
        await jsm.consumers.add(spec.stream, config);
      }
      this.loops.push(this.run(spec));
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.open].map((m) => m.close()));
    await Promise.all(this.loops);
  }

  private async run(spec: ConsumerSpec): Promise<void> {
    while (!this.stopped) {
      try {
        const consumer = await this.js.consumers.get(spec.stream, spec.durable);
        const messages = await consumer.consume({ max_messages: 128 });
        this.open.add(messages);
        for await (const m of messages) {
          // Messages fetched but not recorded before a shutdown go back at once, not after ack_wait.
          if (this.stopped) {
            m.nak();
            continue;
          }
          await this.record(m, spec.durable);
          eventMetrics.consumerLag.set({ consumer: spec.durable }, m.info.pending);
        }
        this.open.delete(messages);
      } catch (err) {
        if (this.stopped) break;
        this.logger.warn({ err, consumer: spec.durable }, 'recorder interrupted; resuming');
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }
  }

  private async record(m: JsMsg, consumer: string): Promise<void> {
    const message = received(m);
    for (let attempt = 0; ; attempt++) {
      if (this.stopped) return m.nak();
      try {
        const carrier = {
          traceparent: m.headers?.get('ce-traceparent') || undefined,
          tracestate: m.headers?.get('ce-tracestate') || undefined,
        };
        const result = await withConsumerSpan(
          {
            subject: m.subject,
            messageId: m.headers?.get('ce-id') || `${message.stream}#${message.streamSeq}`,
            eventType: m.headers?.get('ce-type') || 'unknown',
            carrier,
            consumerGroup: consumer,
            deliveryCount: m.info.deliveryCount,
          },
          () => this.trail.append(message),
        );
        recorded.inc({ stream: message.stream, outcome: result.duplicate ? 'duplicate' : 'recorded' });
        m.ack();
        return;
      } catch (err) {
        storeFailures.inc({ stream: message.stream });
        if (attempt % 10 === 0)
          this.logger.warn(
            { err, consumer, attempt },
            'could not record a message; retrying (it waits in JetStream)',
          );
        m.working(); // keep the message ours while the store is away
        await new Promise((r) => setTimeout(r, Math.min(250 * 2 ** Math.min(attempt, 6), ackWaitMs() / 2)));
      }
    }
  }
}
