import type { TraceBackend } from '@openlgsp/testing/jaeger';

/** What the services of a test process need to export to `jaeger`, and the tests to query it. */
export function traceEnvironment(jaeger: TraceBackend): Record<string, string> {
  return {
    LGSP_TRACE_QUERY_URL: jaeger.queryUrl,
    OTEL_EXPORTER_OTLP_ENDPOINT: jaeger.otlpEndpoint,
    // Spans reach the backend a fifth of a second after they end, not five seconds.
    OTEL_BSP_SCHEDULE_DELAY: '200',
  };
}
