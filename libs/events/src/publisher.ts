import type { JetStreamClient, PubAck } from '@nats-io/jetstream';
import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';
import { context } from '@opentelemetry/api';
import { isEventType, subjectFor, validateEventData } from '@openlgsp/contracts';
import { extractTraceContext, withProducerSpan } from '@openlgsp/telemetry';
import { toNatsMessage } from './binding.js';
import { intakeAgencyOf } from './delivery.js';
import { createEvent, type Clock, type LgspEvent, systemClock } from './envelope.js';
import { eventMetrics } from './metrics.js';

export interface RejectionReason {
  code: string;
  path?: string;
  message: string;
}

/** Raised before anything is sent: the event does not match its contract. */
export class ContractViolation extends Error {
  constructor(
    readonly type: string,
    readonly reasons: RejectionReason[],
  ) {
    super(
      `event ${type} breaks its contract: ${reasons.map((r) => `${r.path ?? ''} ${r.message}`).join('; ')}`,
    );
  }
}

export const REJECTION_TYPE = 'vn.openlgsp.platform.event.rejected.v1';

/**
 * Publishes events to JetStream: checked against the contract first, sent in binary content mode with
 * `Nats-Msg-Id` = event id (JetStream drops a republished duplicate; not for intake, see msgIdFor),
 * inside a PRODUCER span.
 */
export class EventPublisher {
  constructor(
    private readonly js: JetStreamClient,
    readonly service: string,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Where a contract-valid event goes: its contract's subject, with the agency for intake/rejection and this service for reports. */
  subjectOf(event: LgspEvent): string {
    if (!isEventType(event.type))
      throw new ContractViolation(event.type, [
        { code: 'unknown-type', path: '/type', message: `no contract for ${event.type}` },
      ]);
    try {
      return subjectFor(event.type, { agency: event.agency, service: this.service });
    } catch (err) {
      // e.g. an intake or rejection event without a token-safe agency: its subject cannot exist.
      throw new ContractViolation(event.type, [
        { code: 'subject', path: '/agency', message: err instanceof Error ? err.message : String(err) },
      ]);
    }
  }

  check(event: LgspEvent): void {
    if (!isEventType(event.type)) {
      throw new ContractViolation(event.type, [
        { code: 'unknown-type', path: '/type', message: `no contract for ${event.type}` },
      ]);
    }
    const result = validateEventData(event.type, event.data);
    if (!result.ok)
      throw new ContractViolation(
        event.type,
        result.errors.map((e: { path: string; message: string }) => ({
          code: 'schema',
          path: `/data${e.path}`,
          message: e.message,
        })),
      );
  }

  async publish(event: LgspEvent, subject = this.subjectOf(event)): Promise<PubAck> {
    this.check(event);
    const { headers, body } = toNatsMessage(event);
    const ack = await this.send(subject, event, headers, body);
    eventMetrics.published.inc({ type: event.type });
    return ack;
  }

  /** Tells an integrator why its event was refused, on `lgsp.rejected.<agency>`. */
  async reject(
    refused: { id?: string; type?: string; source?: string },
    agency: string,
    natsSubject: string | undefined,
    reasons: RejectionReason[],
  ): Promise<void> {
    const rejection = createEvent(
      REJECTION_TYPE,
      {
        eventId: refused.id ?? 'unknown',
        ...(refused.type ? { eventType: refused.type.slice(0, 200) } : {}),
        ...(refused.source ? { source: refused.source.slice(0, 300) } : {}),
        ...(natsSubject ? { natsSubject } : {}),
        reasons: reasons.slice(0, 50).map((r) => ({ ...r, message: r.message.slice(0, 1000) })),
        rejectedBy: this.service,
        rejectedAt: this.clock().toISOString(),
      },
      { source: `/openlgsp/${this.service}`, agency, subject: refused.id, actor: this.service },
      this.clock,
    );
    await this.publish(rejection);
  }

  /** Copies a message as received to the service's dead-letter subject, with why it failed. */
  async deadLetter(
    original: { subject: string; headers?: MsgHdrs; data: Uint8Array; stream: string; deliveries: number },
    reason: string,
    /** Set when the same copy may be sent twice (JetStream then keeps one). */
    msgID?: string,
  ): Promise<void> {
    const headers = natsHeaders();
    if (original.headers)
      for (const key of original.headers.keys()) headers.set(key, original.headers.get(key));
    headers.delete('Nats-Msg-Id');
    headers.set('Lgsp-Dlq-Reason', reason.slice(0, 1000));
    headers.set('Lgsp-Dlq-Subject', original.subject);
    headers.set('Lgsp-Dlq-Stream', original.stream);
    headers.set('Lgsp-Dlq-Deliveries', String(original.deliveries));
    await this.js.publish(`lgsp.dlq.${this.service}`, original.data, {
      headers,
      ...(msgID ? { msgID } : {}),
    });
  }

  /**
   * Sends an event that broke its contract at publish (a bug in the code that wrote it) to the dead
   * letters instead of its subject, in the consumers' dead-letter shape: the event in binary mode, the
   * reasons in `Lgsp-Dlq-Reason`, `Lgsp-Dlq-Stream` = `outbox:<store>`, never delivered.
   */
  async deadLetterInvalid(event: LgspEvent, violation: ContractViolation, store: string): Promise<void> {
    const { headers, body } = toNatsMessage(event);
    let subject = '';
    try {
      subject = this.subjectOf(event);
    } catch {
      // No subject: the unknown type or missing agency is already among the reasons.
    }
    await this.deadLetter(
      { subject, headers, data: body, stream: `outbox:${store}`, deliveries: 0 },
      `contract: ${violation.reasons.map((r) => `${r.path ?? ''} ${r.message}`.trim()).join('; ')}`,
      // The flush and a sweep may both meet the same event: one copy in the dead letters.
      `dlq:${event.id}`,
    );
  }

  private send(subject: string, event: LgspEvent, headers: MsgHdrs, body: Uint8Array): Promise<PubAck> {
    // The relay publishes outside the request that caused the event: parent the span on the
    // trace captured in the event, so producer and consumers land in the request's trace.
    const parent = extractTraceContext({ traceparent: event.traceparent, tracestate: event.tracestate });
    return context.with(parent, () =>
      withProducerSpan({ subject, messageId: event.id, eventType: event.type }, () =>
        this.js.publish(subject, body, withMsgId(headers, msgIdFor(subject, event.id))),
      ),
    );
  }
}

/**
 * JetStream's duplicate id for an event on `subject`: the event id; none for intake. JetStream
 * remembers ids per stream, not per subject, and every agency publishes into INTAKE, so an id there
 * could be taken first by another agency and the real event dropped as its duplicate. Intake is
 * deduplicated by the services instead, per (agency, source, id): the consumers' processed keys and
 * the HTTP door's receipts.
 */
export function msgIdFor(subject: string, eventId: string): string | undefined {
  return intakeAgencyOf(subject) === undefined ? eventId : undefined;
}

function withMsgId(headers: MsgHdrs, msgID: string | undefined): { headers: MsgHdrs; msgID?: string } {
  if (msgID !== undefined) return { headers, msgID };
  headers.delete('Nats-Msg-Id');
  return { headers };
}
