import {
  context,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import { ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';
import { extractTraceContext, type TraceCarrier } from './propagation.js';
import {
  ATTR_CLOUDEVENTS_EVENT_TYPE,
  ATTR_MESSAGING_CONSUMER_GROUP_NAME,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_DESTINATION_TEMPLATE,
  ATTR_MESSAGING_MESSAGE_ID,
  ATTR_MESSAGING_NATS_MESSAGE_DELIVERY_COUNT,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
  ATTR_MESSAGING_SYSTEM_NAME,
  MESSAGING_SYSTEM_VALUE_NATS,
} from './semconv.js';

const tracer = trace.getTracer('@openlgsp/telemetry');

export interface MessageMeta {
  /** The NATS subject. */
  subject: string;
  /** The CloudEvent id (also `Nats-Msg-Id`). */
  messageId: string;
  /** The NATS operation's name: `publish` (default) or `send`. */
  operation?: 'publish' | 'send';
  /** The CloudEvent `type`. */
  eventType?: string;
}

export interface ConsumedMessageMeta extends Omit<MessageMeta, 'operation'> {
  /** The event's trace-context attributes (`traceparent`, `tracestate`). */
  carrier: TraceCarrier;
  /** The durable consumer's name. */
  consumerGroup?: string;
  /** JetStream's delivery count (1 on first delivery). */
  deliveryCount?: number;
}

/**
 * Subjects with a per-agency token, and the template that names their spans: span names must be of
 * low cardinality (messaging conventions, "Span name"), so `lgsp.intake.so-tp.catalogue.entry.changed`
 * is named by its template `lgsp.intake.{agency}.catalogue.entry.changed`; the subject itself stays
 * in `messaging.destination.name`.
 */
const AGENCY_SUBJECTS = /^(lgsp\.(?:intake|rejected))\.[^.]+(?=\.|$)/;

/** The low-cardinality template of a subject, or undefined when the subject is one already. */
export function destinationTemplate(subject: string): string | undefined {
  return AGENCY_SUBJECTS.test(subject) ? subject.replace(AGENCY_SUBJECTS, '$1.{agency}') : undefined;
}

/**
 * Runs `fn` in a PRODUCER span `publish <subject>` (messaging semantic conventions; a
 * subject with an agency token is named by its template, see destinationTemplate()), so an
 * injectTraceContext() inside `fn` puts this span into the message. The span ends when `fn`
 * returns or its promise settles; a throw or rejection is recorded and marks the span as an error.
 */
export function withProducerSpan<T>(meta: MessageMeta, fn: (span: Span) => T): T {
  const operation = meta.operation ?? 'publish';
  const span = tracer.startSpan(`${operation} ${spanDestination(meta.subject)}`, {
    kind: SpanKind.PRODUCER,
    attributes: messageAttributes(meta, operation, 'send'),
  });
  return runInSpan(span, context.active(), fn);
}

/**
 * Runs `fn` in a CONSUMER span `process <subject>` whose parent is the trace context carried by the
 * event, so the consumer's work joins the producer's trace. Errors are handled as in
 * withProducerSpan().
 */
export function withConsumerSpan<T>(meta: ConsumedMessageMeta, fn: (span: Span) => T): T {
  const parent = extractTraceContext(meta.carrier);
  const span = tracer.startSpan(
    `process ${spanDestination(meta.subject)}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        ...messageAttributes(meta, 'process', 'process'),
        [ATTR_MESSAGING_CONSUMER_GROUP_NAME]: meta.consumerGroup,
        [ATTR_MESSAGING_NATS_MESSAGE_DELIVERY_COUNT]: meta.deliveryCount,
      },
    },
    parent,
  );
  return runInSpan(span, parent, fn);
}

function spanDestination(subject: string): string {
  return destinationTemplate(subject) ?? subject;
}

function messageAttributes(meta: Omit<MessageMeta, 'operation'>, name: string, type: string): Attributes {
  return {
    [ATTR_MESSAGING_SYSTEM]: MESSAGING_SYSTEM_VALUE_NATS,
    [ATTR_MESSAGING_SYSTEM_NAME]: MESSAGING_SYSTEM_VALUE_NATS,
    [ATTR_MESSAGING_DESTINATION_NAME]: meta.subject,
    [ATTR_MESSAGING_DESTINATION_TEMPLATE]: destinationTemplate(meta.subject),
    [ATTR_MESSAGING_MESSAGE_ID]: meta.messageId,
    [ATTR_MESSAGING_OPERATION_NAME]: name,
    [ATTR_MESSAGING_OPERATION_TYPE]: type,
    [ATTR_CLOUDEVENTS_EVENT_TYPE]: meta.eventType,
  };
}

/** Runs `fn` with `span` active in `parent`; ends the span when `fn` (or its promise) is done. */
function runInSpan<T>(span: Span, parent: Context, fn: (span: Span) => T): T {
  const fail = (error: unknown): never => {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: error instanceof Error ? error.message : String(error),
    });
    span.setAttribute(ATTR_ERROR_TYPE, error instanceof Error ? error.name : '_OTHER');
    span.end();
    throw error;
  };
  let result: T;
  try {
    result = context.with(trace.setSpan(parent, span), fn, undefined, span);
  } catch (error) {
    return fail(error);
  }
  if (isPromiseLike(result)) {
    return Promise.resolve(result).then((value: unknown) => {
      span.end();
      return value;
    }, fail) as T;
  }
  span.end();
  return result;
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';
}
