import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, beforeEach, test } from 'node:test';
import { SpanKind } from '@opentelemetry/api';
import {
  currentTraceId,
  httpRouteTemplate,
  recordSpansForTests,
  startTelemetry,
  type ReadableSpan,
} from './index.js';

// Telemetry first, and only then `node:http`: that is the order main.ts follows.
const telemetry = await startTelemetry({ serviceName: 'telemetry-spec' });
const recorder = recordSpansForTests();
const http = await import('node:http');

let traceIdInHandler: string | undefined;
const server = http.createServer((_request, response) => {
  traceIdInHandler = currentTraceId();
  response.end('ok');
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
after(async () => {
  await new Promise((resolve) => server.close(resolve));
  await telemetry.shutdown();
});
beforeEach(() => recorder.reset());

/** A span ends when the response has been written, which may be just after the caller has it. */
async function ended(kind: SpanKind): Promise<ReadableSpan> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const span = recorder.spans().find((s) => s.kind === kind);
    if (span) return span;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no span of kind ${SpanKind[kind]} ended`);
}

// fetch (undici) is not instrumented by instrumentation-http, so the traceparent sent is the one
// written here, as if another service had sent it.
const incomingTraceId = '0af7651916cd43dd8448eb211c80319c';
const incomingSpanId = 'b7ad6b7169203331';

test('an incoming request gets a SERVER span continuing the caller\u2019s trace', async () => {
  const response = await fetch(`${base}/datasets?page=1`, {
    headers: { traceparent: `00-${incomingTraceId}-${incomingSpanId}-01` },
  });
  assert.equal(await response.text(), 'ok');

  const span = await ended(SpanKind.SERVER);
  assert.equal(span.spanContext().traceId, incomingTraceId);
  assert.equal(span.parentSpanContext?.spanId, incomingSpanId);
  assert.equal(span.parentSpanContext?.isRemote, true);
  assert.equal(span.attributes['http.request.method'], 'GET');
  assert.equal(span.attributes['url.path'], '/datasets');
  assert.equal(span.attributes['http.response.status_code'], 200);
  assert.equal(traceIdInHandler, incomingTraceId, 'the handler runs in the server span');
});

test('health probes and metrics scrapes are not traced', async () => {
  for (const path of [
    '/health/live',
    '/health/ready',
    '/metrics',
    '/catalogue/health/live',
    '/catalogue/metrics',
  ])
    await (await fetch(base + path)).text();
  await fetch(`${base}/traced`);
  await ended(SpanKind.SERVER); // ignored requests make no span at all
  assert.deepEqual(
    recorder.spans().map((span) => span.attributes['url.path']),
    ['/traced'],
  );
});

test('an outgoing request gets a CLIENT span whose traceparent the server continues', async () => {
  await new Promise<void>((resolve, reject) =>
    http.get(`${base}/agencies`, (response) => response.resume().on('end', resolve)).on('error', reject),
  );
  const clientSpan = await ended(SpanKind.CLIENT);
  const serverSpan = await ended(SpanKind.SERVER);
  assert.equal(serverSpan.spanContext().traceId, clientSpan.spanContext().traceId);
  assert.equal(serverSpan.parentSpanContext?.spanId, clientSpan.spanContext().spanId);
});

test('a router\u2019s `:param` patterns become `{param}` routes', () => {
  assert.equal(httpRouteTemplate('/sharing/requests/:id/approval'), '/sharing/requests/{id}/approval');
  assert.equal(
    httpRouteTemplate('/catalogue/entries/:entryId/proposals/:proposalId/decision'),
    '/catalogue/entries/{entryId}/proposals/{proposalId}/decision',
  );
  assert.equal(httpRouteTemplate('/files/:name(^\\d+).png'), '/files/{name}.png');
  assert.equal(httpRouteTemplate('/opendata/datasets'), '/opendata/datasets');
});
