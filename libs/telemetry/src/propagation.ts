import { context, type Context, type TextMapGetter, type TextMapSetter } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

/**
 * Where a trace context travels with a CloudEvent: its `traceparent` and `tracestate` extension
 * attributes (the CloudEvents distributed-tracing extension), or `ce-traceparent` headers
 * mapped to those names.
 */
export type TraceCarrier = Record<string, string | undefined>;

// Its own propagator, not the global one: a CloudEvent carries only the two trace-context
// attributes (no baggage), and this works whether or not startTelemetry() has run.
const propagator = new W3CTraceContextPropagator();
const setter: TextMapSetter<TraceCarrier> = { set: (carrier, key, value) => void (carrier[key] = value) };
const getter: TextMapGetter<TraceCarrier> = {
  get: (carrier, key) => carrier[key],
  keys: (carrier) => Object.keys(carrier),
};

/** Writes `traceparent` (and `tracestate`, if any) of the span active in `ctx` into `carrier`. */
export function injectTraceContext(carrier: TraceCarrier, ctx: Context = context.active()): TraceCarrier {
  propagator.inject(ctx, carrier, setter);
  return carrier;
}

/**
 * The context `carrier`'s `traceparent`/`tracestate` describe, on top of `base`; `base` itself when
 * the carrier has no valid `traceparent`. Start spans in it to continue the sender's trace.
 */
export function extractTraceContext(carrier: TraceCarrier, base: Context = context.active()): Context {
  return propagator.extract(base, carrier, getter);
}
