import type { JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import { context, trace, type Span } from '@opentelemetry/api';
import { backoffDelay } from '@openlgsp/domain';
import { withConsumerSpan } from '@openlgsp/telemetry';
import { fromNatsMessage } from './binding.js';
import { checkDelivery, type ClaimedAttributes } from './delivery.js';
import { DurableConsumer, type ConsumerLogger } from './durable.js';
import type { LgspEvent } from './envelope.js';
import { eventMetrics } from './metrics.js';
import { orderKeyOf } from './partition.js';
import type { EventPublisher, RejectionReason } from './publisher.js';
import { rejectionReasons } from './rejection.js';
import { DEFAULT_BACKOFF_MS, DEFAULT_CONCURRENCY, type ConsumerSpec } from './topology.js';

export type { ConsumerLogger } from './durable.js';

/**
 * Where and how an event arrived; what a handler receives beside the event (`@Ctx()`). A handler that
 * takes it is declared `@EventPattern<string>(type)`: Nest's typed overload allows only `unknown` there.
 */
export interface EventContext {
  subject: string;
  stream: string;
  consumer: string;
  deliveryCount: number;
  /** For intake: the agency whose credentials published it (the subject's token), already checked. */
  agency?: string;
}

export type EventHandlerFn = (event: LgspEvent, ctx: EventContext) => Promise<void>;

/** Which event ids a consumer has applied, so a redelivery changes nothing twice. */
export interface ProcessedEvents {
  has(consumer: string, eventId: string): Promise<boolean>;
  add(consumer: string, eventId: string): Promise<void>;
  /**
   * True when `err` says the service's store is away (unreachable, not answering), which is no
   * fault of the event being handled: see `EventConsumer.holdThroughOutage`.
   */
  unavailable?(err: unknown): boolean;
}
export const PROCESSED_EVENTS = Symbol('PROCESSED_EVENTS');

/**
 * One service consumer: for each message of its durable (many at once, one at a time per aggregate), the delivery checks, then (unless the event
 * id was applied already) the handler in a CONSUMER span continuing the event's trace, then the ack.
 * A refusal goes to `lgsp.rejected.<agency>`; a failure is retried with backoff, then dead-lettered.
 */
export class EventConsumer {
  /** The longest wait between two attempts at an event held through a store outage. */
  static outageRetryMaxMs = 5_000;
  readonly maxDeliver: number;
  readonly backoffMs: number[];
  private readonly durable: DurableConsumer;

  constructor(
    js: JetStreamClient,
    jsm: JetStreamManager,
    private readonly publisher: EventPublisher,
    readonly spec: ConsumerSpec,
    private readonly handlers: ReadonlyMap<string, EventHandlerFn>,
    private readonly processed: ProcessedEvents,
    private readonly logger: ConsumerLogger,
  ) {
    this.maxDeliver = spec.maxDeliver ?? 5;
    this.backoffMs = spec.backoffMs ?? DEFAULT_BACKOFF_MS;
    const { orderBy } = spec;
    this.durable = new DurableConsumer(
      js,
      jsm,
      {
        ...spec,
        concurrency: spec.concurrency ?? DEFAULT_CONCURRENCY,
        ...(orderBy ? { orderKey: (m: JsMsg) => orderKeyBy(orderBy, m) } : {}),
      },
      logger,
    );
  }

  start(): Promise<void> {
    return this.durable.start((m) => this.handle(m));
  }

  stop(): Promise<void> {
    return this.durable.stop();
  }

  /** The whole pipeline for one message; public so tests can drive it message by message. */
  async handle(m: JsMsg, outageAttempt = 0): Promise<void> {
    const name = this.spec.durable;
    const verdict = checkDelivery(m, {
      consumer: name,
      handles: (type) => this.handlers.has(type),
      unhandled: this.spec.unhandled,
    });
    if (verdict.kind === 'skip') return m.ack();
    if (verdict.kind === 'refuse')
      return this.refuse(m, verdict.event ?? verdict.claimed, verdict.agency, verdict.reasons);

    const { event, intakeAgency } = verdict;
    const handler = this.handlers.get(event.type)!;
    const ctx: EventContext = {
      subject: m.subject,
      stream: m.info.stream,
      consumer: name,
      deliveryCount: m.info.deliveryCount,
      ...(intakeAgency ? { agency: intakeAgency } : {}),
    };
    let processing: Span | undefined;
    try {
      const key = processedKey(event, intakeAgency);
      if (await this.processed.has(name, key)) return m.ack();
      await withConsumerSpan(
        {
          subject: m.subject,
          messageId: event.id,
          eventType: event.type,
          carrier: { traceparent: event.traceparent, tracestate: event.tracestate },
          consumerGroup: name,
          deliveryCount: m.info.deliveryCount,
        },
        (span) => ((processing = span), handler(event, ctx)),
      );
      await this.processed.add(name, key);
      eventMetrics.consumed.inc({ consumer: name, type: event.type });
      m.ack();
    } catch (err) {
      const reasons = rejectionReasons(err);
      // The refusal is told in the trace of the handling that refused (a child of its span).
      const refusing = processing ? trace.setSpan(context.active(), processing) : context.active();
      if (reasons)
        return context.with(refusing, () =>
          this.refuse(m, event, intakeAgency ?? event.agency, reasons, { event, intakeAgency }),
        );
      if (this.processed.unavailable?.(err)) return this.holdThroughOutage(m, err, outageAttempt);
      await this.retryOrDeadLetter(m, event.type, err);
    }
  }

  private async refuse(
    m: JsMsg,
    /** The event, or for a message that is not one what its headers claimed it was. */
    event: LgspEvent | ClaimedAttributes | undefined,
    agency: string | undefined,
    reasons: RejectionReason[],
    /** Set when a handler refused an intake event: its use case judged it, so a redelivery must not. */
    judged?: { event: LgspEvent; intakeAgency?: string },
  ): Promise<void> {
    const name = this.spec.durable;
    try {
      if (agency) await this.publisher.reject(event ?? {}, agency, m.subject, reasons);
      else
        await this.publisher.deadLetter(
          this.original(m),
          `refused: ${reasons.map((r) => r.message).join('; ')}`,
        );
      // Only a use case's refusal is remembered. One refused before any handler (malformed, foreign,
      // forged) leaves no mark, so it cannot pre-empt the real agency's event with the same id.
      if (judged) await this.processed.add(name, processedKey(judged.event, judged.intakeAgency));
    } catch (err) {
      // The rejection could not be told yet: keep the message and try again later, up to the bound;
      // then it goes to the dead letters (e.g. a subject whose agency token is not an agency code).
      if (m.info.deliveryCount < this.maxDeliver) {
        this.logger.warn({ err, consumer: name }, 'could not publish a rejection; retrying');
        return m.nak(this.delayFor(m.info.deliveryCount));
      }
      return this.retryOrDeadLetter(m, event?.type ?? 'unknown', err);
    }
    eventMetrics.rejected.inc({ consumer: name, code: reasons[0]?.code ?? 'unknown' });
    this.logger.info({ consumer: name, eventId: event?.id, reasons }, 'event refused');
    m.term('refused');
  }

  /**
   * The store is away: not the event's fault, so it must not spend the event's attempts. JetStream
   * counts deliveries, not failures: a nak would, and five of them within the backoff (1 s, 5 s,
   * 30 s, 120 s) dead-letter a good event during a 2.5 min outage, or make it wait up to 2 min after
   * the store is back. So the message stays in hand (the durable keeps it ours with in-progress
   * acks) and is handled again in place once a wait has passed. While the store is away every
   * message fails this way, every place of the consumer is soon held and it fetches nothing more:
   * the consumer pauses by itself and what follows waits in the stream. JetStream's own consumer
   * pause is not used: it stops every instance, and someone would have to resume it.
   */
  private async holdThroughOutage(m: JsMsg, err: unknown, attempt: number): Promise<void> {
    const name = this.spec.durable;
    eventMetrics.heldThroughOutage.inc({ consumer: name });
    if (attempt % 10 === 0)
      this.logger.warn({ err, consumer: name, attempt }, 'store unavailable; holding the event');
    await new Promise((r) =>
      setTimeout(r, backoffDelay(attempt, { baseMs: 250, maxMs: EventConsumer.outageRetryMaxMs })),
    );
    // Stopping: back to JetStream for the next instance (one delivery spent, as for any stop).
    if (this.durable.stopped) return m.nak();
    return this.handle(m, attempt + 1);
  }

  private async retryOrDeadLetter(m: JsMsg, type: string, err: unknown): Promise<void> {
    const name = this.spec.durable;
    eventMetrics.failed.inc({ consumer: name, type });
    const deliveries = m.info.deliveryCount;
    if (deliveries < this.maxDeliver) {
      this.logger.warn({ err, consumer: name, deliveries }, 'handler failed; will retry');
      return m.nak(this.delayFor(deliveries));
    }
    try {
      await this.publisher.deadLetter(this.original(m), errorMessage(err));
      eventMetrics.deadLettered.inc({ consumer: name });
      this.logger.error({ err, consumer: name, deliveries }, 'event dead-lettered');
      m.term('dead-lettered');
    } catch (dlqErr) {
      this.logger.error({ err: dlqErr, consumer: name }, 'dead-lettering failed');
      m.nak(this.delayFor(deliveries));
    }
  }

  private delayFor(deliveries: number): number {
    return this.backoffMs[Math.min(Math.max(deliveries - 1, 0), this.backoffMs.length - 1)]!;
  }

  private original(m: JsMsg) {
    return {
      subject: m.subject,
      headers: m.headers,
      data: m.data,
      stream: m.info.stream,
      deliveries: m.info.deliveryCount,
    };
  }
}

/** The spec's ordering key of a message, else its subject's; the checks come later, in order. */
function orderKeyBy(orderBy: (event: LgspEvent) => string | undefined, m: JsMsg): string {
  try {
    const key = orderBy(fromNatsMessage(m.headers, m.data));
    if (key !== undefined) return `by:${key}`;
  } catch {
    // not a CloudEvent, or not what orderBy expects: the delivery checks will say so
  }
  return orderKeyOf(m);
}

/**
 * CloudEvents identify an event by source and id together; intake adds the agency of the channel it
 * came on, so two agencies' events with the same id are two events.
 */
export function processedKey(event: LgspEvent, intakeAgency?: string): string {
  return intakeAgency === undefined
    ? `${event.source} ${event.id}`
    : `${intakeAgency} ${event.source} ${event.id}`;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
