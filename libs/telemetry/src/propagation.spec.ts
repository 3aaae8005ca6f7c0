import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { context, trace } from '@opentelemetry/api';
import { extractTraceContext, injectTraceContext, startTelemetry, type TraceCarrier } from './index.js';

const telemetry = await startTelemetry({ serviceName: 'telemetry-spec' });
const tracer = trace.getTracer('spec');
after(() => telemetry.shutdown());

test('inject/extract round trip keeps the trace id', () => {
  const span = tracer.startSpan('origin');
  const carrier: TraceCarrier = {};
  context.with(trace.setSpan(context.active(), span), () => injectTraceContext(carrier));
  span.end();

  const { traceId, spanId } = span.spanContext();
  assert.equal(carrier.traceparent, `00-${traceId}-${spanId}-01`);
  const extracted = trace.getSpanContext(extractTraceContext(carrier));
  assert.equal(extracted?.traceId, traceId);
  assert.equal(extracted?.spanId, spanId);
  assert.equal(extracted?.isRemote, true);
});

test('tracestate travels with traceparent', () => {
  const carrier: TraceCarrier = {
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    tracestate: 'lgsp=abc,vendor=1',
  };
  const copy = injectTraceContext({}, extractTraceContext(carrier));
  assert.deepEqual(copy, carrier);
});

test('without an active span nothing is injected, and an empty carrier extracts to the base context', () => {
  assert.deepEqual(injectTraceContext({}), {});
  assert.equal(trace.getSpanContext(extractTraceContext({ traceparent: undefined })), undefined);
  assert.equal(trace.getSpanContext(extractTraceContext({ traceparent: 'garbage' })), undefined);
});
