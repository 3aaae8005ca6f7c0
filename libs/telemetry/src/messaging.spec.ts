import assert from 'node:assert/strict';
import { after, beforeEach, test } from 'node:test';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import {
  injectTraceContext,
  recordSpansForTests,
  startTelemetry,
  withConsumerSpan,
  withProducerSpan,
  type TraceCarrier,
} from './index.js';

const telemetry = await startTelemetry({ serviceName: 'telemetry-spec' });
const recorder = recordSpansForTests();
const tracer = trace.getTracer('spec');
beforeEach(() => recorder.reset());
after(() => telemetry.shutdown());

test('startTelemetry is idempotent', async () => {
  assert.equal(await startTelemetry({ serviceName: 'other' }), telemetry);
});

test('a PRODUCER span per the messaging conventions, carried by the event', async () => {
  const carrier: TraceCarrier = {};
  const result = await withProducerSpan(
    {
      subject: 'lgsp.sharing.request.approved',
      messageId: 'evt-1',
      eventType: 'vn.openlgsp.sharing.request.approved.v1',
    },
    async () => {
      injectTraceContext(carrier);
      return 'ack';
    },
  );
  assert.equal(result, 'ack');

  const [span] = recorder.spans();
  assert.ok(span);
  assert.equal(span.name, 'publish lgsp.sharing.request.approved');
  assert.equal(span.kind, SpanKind.PRODUCER);
  assert.equal(span.status.code, SpanStatusCode.UNSET);
  assert.deepEqual(span.attributes, {
    'messaging.system': 'nats',
    'messaging.system.name': 'nats',
    'messaging.destination.name': 'lgsp.sharing.request.approved',
    'messaging.message.id': 'evt-1',
    'messaging.operation.name': 'publish',
    'messaging.operation.type': 'send',
    'cloudevents.event_type': 'vn.openlgsp.sharing.request.approved.v1',
  });
  assert.equal(
    carrier.traceparent?.split('-')[2],
    span.spanContext().spanId,
    'the event carries the producer span',
  );
});

test('operation "send" names the span and the producer joins the active trace', () => {
  const parent = tracer.startSpan('request');
  context.with(trace.setSpan(context.active(), parent), () =>
    withProducerSpan(
      { subject: 'lgsp.audit.entry.recorded', messageId: 'evt-2', operation: 'send' },
      () => undefined,
    ),
  );
  parent.end();
  const span = recorder.spans().find((s) => s.kind === SpanKind.PRODUCER);
  assert.equal(span?.name, 'send lgsp.audit.entry.recorded');
  assert.equal(span?.parentSpanContext?.spanId, parent.spanContext().spanId);
  assert.equal(span?.spanContext().traceId, parent.spanContext().traceId);
});

test('a CONSUMER span is a child of the producer span, in the same trace', async () => {
  const carrier: TraceCarrier = {};
  await withProducerSpan({ subject: 'lgsp.catalogue.dataset.changed', messageId: 'evt-3' }, async () => {
    injectTraceContext(carrier);
  });
  const producer = recorder.spans()[0]!;

  // As a consumer in another process would: no active span, only the event's attributes.
  let traceIdInHandler: string | undefined;
  await withConsumerSpan(
    {
      subject: 'lgsp.catalogue.dataset.changed',
      messageId: 'evt-3',
      eventType: 'vn.openlgsp.catalogue.dataset.changed.v1',
      carrier,
      consumerGroup: 'opendata-catalogue',
      deliveryCount: 2,
    },
    async (span) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      traceIdInHandler = trace.getActiveSpan()?.spanContext().traceId;
      assert.equal(trace.getActiveSpan(), span);
    },
  );

  const consumer = recorder.spans().find((s) => s.kind === SpanKind.CONSUMER);
  assert.ok(consumer);
  assert.equal(consumer.name, 'process lgsp.catalogue.dataset.changed');
  assert.equal(consumer.spanContext().traceId, producer.spanContext().traceId);
  assert.equal(consumer.parentSpanContext?.spanId, producer.spanContext().spanId);
  assert.equal(consumer.parentSpanContext?.isRemote, true);
  assert.equal(traceIdInHandler, producer.spanContext().traceId, 'the handler runs inside the consumer span');
  assert.equal(consumer.attributes['messaging.system'], 'nats');
  assert.equal(consumer.attributes['messaging.operation.type'], 'process');
  assert.equal(consumer.attributes['messaging.consumer.group.name'], 'opendata-catalogue');
  assert.equal(consumer.attributes['messaging.nats.message.delivery_count'], 2);
  assert.equal(consumer.attributes['messaging.message.id'], 'evt-3');
  assert.equal(consumer.attributes['cloudevents.event_type'], 'vn.openlgsp.catalogue.dataset.changed.v1');
});

test('a consumed event without traceparent starts a new trace', () => {
  withConsumerSpan(
    { subject: 'lgsp.intake.h41.catalogue.dataset.changed', messageId: 'evt-4', carrier: {} },
    () => {},
  );
  const [span] = recorder.spans();
  assert.equal(span?.parentSpanContext, undefined);
});

test('a rejected promise marks the span as an error and is rethrown', async () => {
  class PublishTimeout extends Error {
    override name = 'PublishTimeout';
  }
  await assert.rejects(
    withProducerSpan({ subject: 'lgsp.sharing.grant.revoked', messageId: 'evt-5' }, async () => {
      throw new PublishTimeout('no ack within 5s');
    }),
    PublishTimeout,
  );
  const [span] = recorder.spans();
  assert.equal(span?.status.code, SpanStatusCode.ERROR);
  assert.equal(span?.status.message, 'no ack within 5s');
  assert.equal(span?.attributes['error.type'], 'PublishTimeout');
  assert.equal(span?.events[0]?.name, 'exception');
  assert.equal(span?.events[0]?.attributes?.['exception.message'], 'no ack within 5s');
  assert.equal(span?.ended, true);
});

test('a synchronous throw in a consumer marks the span as an error and is rethrown', () => {
  assert.throws(
    () =>
      withConsumerSpan(
        { subject: 'lgsp.incidents.incident.reported', messageId: 'evt-6', carrier: {} },
        () => {
          throw new TypeError('bad payload');
        },
      ),
    TypeError,
  );
  const [span] = recorder.spans();
  assert.equal(span?.status.code, SpanStatusCode.ERROR);
  assert.equal(span?.attributes['error.type'], 'TypeError');
  assert.equal(span?.events[0]?.name, 'exception');
});

test('an agency-scoped subject names its span by its template, the subject stays an attribute', async () => {
  await withConsumerSpan(
    { subject: 'lgsp.intake.so-tp.catalogue.service.changed', messageId: 'evt-7', carrier: {} },
    () => {},
  );
  await withProducerSpan({ subject: 'lgsp.rejected.so-tp', messageId: 'evt-8' }, () => {});
  const [consumer, producer] = recorder.spans();
  assert.equal(consumer?.name, 'process lgsp.intake.{agency}.catalogue.service.changed');
  assert.equal(
    consumer?.attributes['messaging.destination.template'],
    'lgsp.intake.{agency}.catalogue.service.changed',
  );
  assert.equal(
    consumer?.attributes['messaging.destination.name'],
    'lgsp.intake.so-tp.catalogue.service.changed',
  );
  assert.equal(producer?.name, 'publish lgsp.rejected.{agency}');
  assert.equal(producer?.kind, SpanKind.PRODUCER);
  assert.equal(producer?.attributes['messaging.destination.name'], 'lgsp.rejected.so-tp');
});
