import assert from 'node:assert/strict';
import { waitForTrace, type TraceSpan } from '@openlgsp/testing';

/**
 * Trace assertions against a real Jaeger: the suite's (global-setup.ts), or, when a test file runs
 * on its own, one of the file's own (preload.ts). The services of a test share its process, but
 * each exports its spans under its own service.name (hostService in @openlgsp/telemetry).
 */

// Span names by the OpenTelemetry semantic conventions, by span kind.
const HTTP = /^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)( \/\S*)?$/;
const DATABASE = /^[a-z][A-Za-z]* [A-Za-z_][\w.-]*$/; // {operation} {collection}, never `$cmd`
const CONVENTIONAL: Record<string, (span: TraceSpan) => RegExp> = {
  server: () => HTTP,
  client: (span) => ('db.system' in span.attributes || 'db.system.name' in span.attributes ? DATABASE : HTTP),
  producer: () => /^(publish|send) lgsp\.[\w.{}-]+$/,
  consumer: () => /^process lgsp\.[\w.{}-]+$/,
  internal: () => /^\S/,
};

export interface ExpectedTrace {
  /** The traceparent the test sent with the call that starts the flow. */
  traceparent: string;
  /** Every service with spans in the trace, and names of spans each must have. */
  spans: Record<string, string[]>;
}

/**
 * The flow the call started is one trace in the backend: its root is the call's server span (a child
 * of the test's traceparent), every other span's parent is in the trace, the services are those
 * expected (service.name of the resources), and every span is named by the conventions. Polls until
 * the expected spans and their parents are there (spans are exported in batches).
 */
export async function assertTrace({ traceparent, spans: expected }: ExpectedTrace): Promise<TraceSpan[]> {
  const queryUrl = process.env.LGSP_TRACE_QUERY_URL;
  assert.ok(
    queryUrl,
    'no trace backend: run the test file with `node --import ./dist/test/preload.js --test`',
  );
  const [, traceId, callerSpanId] = traceparent.split('-') as [string, string, string];
  const orphans = (spans: TraceSpan[]) => {
    const ids = new Set(spans.map((s) => s.spanId));
    return spans.filter(
      (s) => s.parentSpanId !== callerSpanId && !(s.parentSpanId && ids.has(s.parentSpanId)),
    );
  };
  const complete = (spans: TraceSpan[]) =>
    orphans(spans).length === 0 &&
    Object.entries(expected).every(([service, names]) =>
      names.every((name) => spans.some((s) => s.service === service && s.name === name)),
    );
  const spans = await waitForTrace(queryUrl, traceId, complete);
  const listing = spans.map((s) => `${s.service}: ${s.name} (${s.kind})`).join('\n  ');

  const roots = spans.filter((s) => s.parentSpanId === callerSpanId);
  assert.equal(roots.length, 1, `one root span, a child of the caller's, in:\n  ${listing}`);
  assert.equal(roots[0]!.kind, 'server');
  assert.deepEqual(orphans(spans), [], 'no span whose parent is missing');
  assert.deepEqual(
    [...new Set(spans.map((s) => s.service))].sort(),
    Object.keys(expected).sort(),
    `the services of the trace:\n  ${listing}`,
  );
  for (const span of spans) {
    const pattern = CONVENTIONAL[span.kind]?.(span);
    assert.ok(pattern, `a span of an unknown kind: ${span.service}: ${span.name} (${span.kind})`);
    assert.match(span.name, pattern, `${span.service}: ${span.kind} span named by the conventions`);
  }
  return spans;
}
