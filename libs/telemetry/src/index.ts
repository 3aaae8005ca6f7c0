export { startTelemetry, recordSpansForTests } from './tracing.js';
export type { TelemetryOptions, TelemetryHandle, SpanRecorder } from './tracing.js';
export { injectTraceContext, extractTraceContext } from './propagation.js';
export type { TraceCarrier } from './propagation.js';
export { withProducerSpan, withConsumerSpan } from './messaging.js';
export type { MessageMeta, ConsumedMessageMeta } from './messaging.js';
export { createLogger, currentTraceId, NestPinoLogger } from './logging.js';
export type { Logger } from './logging.js';
export type { ReadableSpan } from '@opentelemetry/sdk-trace';
