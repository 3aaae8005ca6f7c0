import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { jetstreamManager, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { DurableConsumer, JETSTREAM, NATS_CONNECTION, type DurableOptions } from '@openlgsp/events';
import { createLogger, withConsumerSpan } from '@openlgsp/telemetry';
import { Counter, register } from 'prom-client';
import { AUDIT_CONFIG, type AuditConfig } from '../config.js';
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

/**
 * Records each message of every stream in the trail, then acks. Nothing is ever dead-lettered or
 * refused: a malformed message is evidence, and a store failure is retried in place (the message and
 * those behind it wait in JetStream), which also keeps each stream's order. A crash before the ack
 * means a redelivery, which the entry key turns into a no-op.
 */
@Injectable()
export class TrailRecorder implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = createLogger('audit');
  private readonly consumers: DurableConsumer[] = [];
  private stopped = false;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    @Inject(AUDIT_CONFIG) private readonly config: AuditConfig,
    private readonly trail: TrailStore,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.recorder) return;
    const jsm = await jetstreamManager(this.nc);
    for (const spec of AUDIT_CONSUMERS) {
      const consumer = new DurableConsumer(
        this.js,
        jsm,
        { ...spec, ackWaitMs: this.config.recorderAckWaitMs, maxAckPending: 256, batch: 128 },
        this.logger,
      );
      await consumer.start((m) => this.record(m, spec.durable));
      this.consumers.push(consumer);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.consumers.map((c) => c.stop()));
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
        const wait = Math.min(250 * 2 ** Math.min(attempt, 6), this.config.recorderAckWaitMs / 2);
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }
}
