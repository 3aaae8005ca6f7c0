import {
  AckPolicy,
  DeliverPolicy,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import {
  isEventType,
  normaliseText,
  subjectFor,
  validateEnvelope,
  validateEventData,
} from '@openlgsp/contracts';
import { NotFoundError, RuleViolationError } from '@openlgsp/domain';
import { withConsumerSpan } from '@openlgsp/telemetry';
import { MalformedEventError, fromNatsMessage } from './binding.js';
import type { LgspEvent } from './envelope.js';
import { eventMetrics } from './metrics.js';
import type { EventPublisher, RejectionReason } from './publisher.js';
import { DEFAULT_BACKOFF_MS, isNotFound, type ConsumerSpec } from './topology.js';

export interface EventContext {
  subject: string;
  stream: string;
  consumer: string;
  deliveryCount: number;
  /** For intake: the agency whose credentials published it (the subject's token), already checked. */
  agency?: string;
}

export type EventHandlerFn = (event: LgspEvent, ctx: EventContext) => Promise<void>;

/** Thrown by a handler to refuse an event for good, with reasons the integrator will read. */
export class EventRejection extends Error {
  constructor(readonly reasons: RejectionReason[]) {
    super(reasons.map((r) => r.message).join('; '));
  }
  static because(code: string, message: string, path?: string): EventRejection {
    return new EventRejection([{ code, message, ...(path ? { path } : {}) }]);
  }
}

/**
 * For intake handlers: a broken rule or an unknown id is the integrator's to fix, so it is refused
 * with reasons (never retried); anything else is an infrastructure failure and is retried.
 */
export async function refuseOnRuleViolation(action: () => Promise<unknown>): Promise<void> {
  try {
    await action();
  } catch (err) {
    if (err instanceof RuleViolationError) {
      const v = err.violation;
      throw EventRejection.because(v.code, v.message, v.path && `/data${v.path}`);
    }
    if (err instanceof NotFoundError) throw EventRejection.because('not-found', err.message);
    throw err;
  }
}

/** Which event ids a consumer has applied, so a redelivery changes nothing twice. */
export interface ProcessedEvents {
  has(consumer: string, eventId: string): Promise<boolean>;
  add(consumer: string, eventId: string): Promise<void>;
}
export const PROCESSED_EVENTS = Symbol('PROCESSED_EVENTS');

export interface ConsumerLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

const INTAKE_PREFIX = 'lgsp.intake.';

/**
 * One durable pull consumer with explicit acks. For each message: parse the CloudEvent, check it
 * against its contract (and, for intake, that the claimed agency is the publishing agency), skip ids
 * already applied, run the handler in a CONSUMER span continuing the event's trace, then ack.
 * A refusal goes to `lgsp.rejected.<agency>`; a failure is retried with backoff, then dead-lettered.
 */
export class EventConsumer {
  private messages?: ConsumerMessages;
  private loop?: Promise<void>;
  private stopped = false;
  readonly maxDeliver: number;
  readonly backoffMs: number[];

  constructor(
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly publisher: EventPublisher,
    readonly spec: ConsumerSpec,
    private readonly handlers: ReadonlyMap<string, EventHandlerFn>,
    private readonly processed: ProcessedEvents,
    private readonly logger: ConsumerLogger,
  ) {
    this.maxDeliver = spec.maxDeliver ?? 5;
    this.backoffMs = spec.backoffMs ?? DEFAULT_BACKOFF_MS;
  }

  /** Creates or updates the durable consumer; idempotent. */
  async ensure(): Promise<void> {
    const config = {
      durable_name: this.spec.durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subjects: this.spec.filterSubjects,
      // The bound is ours (dead-letter after maxDeliver); the server never drops a message silently.
      max_deliver: -1,
      ack_wait: 30_000_000_000,
      max_ack_pending: 1_000,
    };
    try {
      await this.jsm.consumers.info(this.spec.stream, this.spec.durable);
      await this.jsm.consumers.update(this.spec.stream, this.spec.durable, config);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      await this.jsm.consumers.add(this.spec.stream, config);
    }
  }

  async start(): Promise<void> {
    await this.ensure();
    this.stopped = false;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.messages?.close();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        const consumer = await this.js.consumers.get(this.spec.stream, this.spec.durable);
        this.messages = await consumer.consume({ max_messages: 64 });
        for await (const m of this.messages) {
          await this.handle(m);
          eventMetrics.consumerLag.set({ consumer: this.spec.durable }, m.info.pending);
        }
      } catch (err) {
        if (this.stopped) break;
        this.logger.warn({ err, consumer: this.spec.durable }, 'consumer interrupted; resuming');
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }
  }

  /** The whole pipeline for one message; public so tests can drive it message by message. */
  async handle(m: JsMsg): Promise<void> {
    const intakeAgency = m.subject.startsWith(INTAKE_PREFIX) ? m.subject.split('.')[2] : undefined;
    let event: LgspEvent;
    try {
      event = fromNatsMessage(m.headers, m.data);
    } catch (err) {
      if (!(err instanceof MalformedEventError)) throw err;
      return this.refuse(m, undefined, intakeAgency, err.reasons);
    }
    // Intake text in one Unicode form (NFC), as over HTTP: agencies' keyboards differ, the rules must not.
    if (intakeAgency) event = { ...event, data: normaliseText(event.data) };

    const problems = this.contractProblems(event, m.subject, intakeAgency);
    if (problems === 'skip') return m.ack();
    if (problems.length) return this.refuse(m, event, intakeAgency ?? event.agency, problems);

    const handler = this.handlers.get(event.type)!;
    const ctx: EventContext = {
      subject: m.subject,
      stream: m.info.stream,
      consumer: this.spec.durable,
      deliveryCount: m.info.deliveryCount,
      ...(intakeAgency ? { agency: intakeAgency } : {}),
    };
    try {
      if (await this.processed.has(this.spec.durable, processedKey(event))) return m.ack();
      await withConsumerSpan(
        {
          subject: m.subject,
          messageId: event.id,
          eventType: event.type,
          carrier: { traceparent: event.traceparent, tracestate: event.tracestate },
          consumerGroup: this.spec.durable,
          deliveryCount: m.info.deliveryCount,
        },
        () => handler(event, ctx),
      );
      await this.processed.add(this.spec.durable, processedKey(event));
      eventMetrics.consumed.inc({ consumer: this.spec.durable, type: event.type });
      m.ack();
    } catch (err) {
      if (err instanceof EventRejection) {
        await this.refuse(m, event, intakeAgency ?? event.agency, err.reasons);
        return;
      }
      await this.retryOrDeadLetter(m, event.type, err);
    }
  }

  private contractProblems(
    event: LgspEvent,
    subject: string,
    intakeAgency: string | undefined,
  ): RejectionReason[] | 'skip' {
    const known = isEventType(event.type) && this.handlers.has(event.type);
    if (!known) {
      if (this.spec.unhandled === 'skip') return 'skip';
      return [
        {
          code: 'unknown-type',
          path: '/type',
          message: `${this.spec.durable} does not accept ${event.type}`,
        },
      ];
    }
    // A type travels only on its contract's subject: an integrator cannot pass a domain fact off as
    // intake, nor one agency's event as another's.
    if (expectedSubject(event.type, intakeAgency ?? event.agency) !== subject)
      return this.spec.unhandled === 'skip'
        ? 'skip'
        : [{ code: 'wrong-subject', path: '/type', message: `${event.type} is not accepted on ${subject}` }];
    const reasons: RejectionReason[] = [];
    const { data: _data, ...attributes } = event;
    const envelope = validateEnvelope(attributes);
    if (!envelope.ok)
      for (const e of envelope.errors) reasons.push({ code: 'envelope', path: e.path, message: e.message });
    if (intakeAgency !== undefined) {
      // An event's identity is (source, id): an agency's events come from its own sources only.
      if (!event.source.startsWith(`/agencies/${intakeAgency}/`))
        reasons.push({
          code: 'foreign-source',
          path: '/source',
          message: `source must be /agencies/${intakeAgency}/<system> for events published by ${intakeAgency}`,
        });
      if (!event.agency)
        reasons.push({
          code: 'missing-agency',
          path: '/agency',
          message: 'the agency extension is required',
        });
      else if (event.agency !== intakeAgency)
        reasons.push({
          code: 'forged-agency',
          path: '/agency',
          message: `event claims agency '${event.agency}' but was published by '${intakeAgency}'`,
        });
    }
    const result = validateEventData(event.type, event.data);
    if (!result.ok)
      for (const e of result.errors)
        reasons.push({ code: 'schema', path: `/data${e.path}`, message: e.message });
    return reasons;
  }

  private async refuse(
    m: JsMsg,
    event: LgspEvent | undefined,
    agency: string | undefined,
    reasons: RejectionReason[],
  ): Promise<void> {
    try {
      if (agency) await this.publisher.reject(event ?? {}, agency, m.subject, reasons);
      else
        await this.publisher.deadLetter(
          this.original(m),
          `refused: ${reasons.map((r) => r.message).join('; ')}`,
        );
      if (event) await this.processed.add(this.spec.durable, processedKey(event));
    } catch (err) {
      // The rejection could not be told yet: keep the message and try again later, up to the bound;
      // then it goes to the dead letters (e.g. a subject whose agency token is not an agency code).
      if (m.info.deliveryCount < this.maxDeliver) {
        this.logger.warn({ err, consumer: this.spec.durable }, 'could not publish a rejection; retrying');
        return m.nak(this.delayFor(m.info.deliveryCount));
      }
      return this.retryOrDeadLetter(m, event?.type ?? 'unknown', err);
    }
    eventMetrics.rejected.inc({ consumer: this.spec.durable, code: reasons[0]?.code ?? 'unknown' });
    this.logger.info({ consumer: this.spec.durable, eventId: event?.id, reasons }, 'event refused');
    m.term('refused');
  }

  private async retryOrDeadLetter(m: JsMsg, type: string, err: unknown): Promise<void> {
    eventMetrics.failed.inc({ consumer: this.spec.durable, type });
    const deliveries = m.info.deliveryCount;
    if (deliveries < this.maxDeliver) {
      this.logger.warn({ err, consumer: this.spec.durable, deliveries }, 'handler failed; will retry');
      return m.nak(this.delayFor(deliveries));
    }
    try {
      await this.publisher.deadLetter(this.original(m), errorMessage(err));
      eventMetrics.deadLettered.inc({ consumer: this.spec.durable });
      this.logger.error({ err, consumer: this.spec.durable, deliveries }, 'event dead-lettered');
      m.term('dead-lettered');
    } catch (dlqErr) {
      this.logger.error({ err: dlqErr, consumer: this.spec.durable }, 'dead-lettering failed');
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

/** CloudEvents identify an event by source and id together. */
function processedKey(event: LgspEvent): string {
  return `${event.source} ${event.id}`;
}

function expectedSubject(type: string, agency: string | undefined): string | undefined {
  try {
    return isEventType(type) ? subjectFor(type, { agency }) : undefined;
  } catch {
    return undefined; // no agency, or one that is not token safe
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
