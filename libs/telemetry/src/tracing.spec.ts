import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { trace } from '@opentelemetry/api';
import { startTelemetry } from './index.js';

test('with OTEL_EXPORTER_OTLP_ENDPOINT set, spans are exported over OTLP/HTTP with the env resource', async () => {
  const received: { path?: string; body: Buffer }[] = [];
  const collector = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ path: request.url, body: Buffer.concat(chunks) });
      response.end();
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
  process.env.OTEL_SERVICE_NAME = 'catalogue-from-env';
  process.env.OTEL_RESOURCE_ATTRIBUTES = 'service.namespace=openlgsp,k8s.namespace.name=lgsp-prod';

  const telemetry = await startTelemetry({ serviceName: 'catalogue', serviceVersion: '1.2.3', env: 'test' });
  assert.equal(telemetry.exporting, true);
  trace.getTracer('spec').startSpan('exported-span').end();
  await telemetry.shutdown(); // flushes

  collector.close();
  const traces = received.find((request) => request.path === '/v1/traces');
  assert.ok(traces, `an export to /v1/traces (got ${received.map((r) => r.path).join(', ')})`);
  // The OTLP/HTTP exporter sends OTLP JSON.
  const [resourceSpans] = JSON.parse(traces.body.toString('utf8')).resourceSpans as OtlpResourceSpans[];
  const resource = Object.fromEntries(
    resourceSpans!.resource.attributes.map(({ key, value }) => [key, value.stringValue]),
  );
  assert.equal(resource['service.name'], 'catalogue-from-env', 'OTEL_SERVICE_NAME wins over the option');
  assert.equal(resource['service.version'], '1.2.3');
  assert.equal(resource['deployment.environment.name'], 'test');
  assert.equal(resource['service.namespace'], 'openlgsp');
  assert.equal(resource['k8s.namespace.name'], 'lgsp-prod');
  const names = resourceSpans!.scopeSpans.flatMap((scope) => scope.spans.map((span) => span.name));
  assert.deepEqual(names, ['exported-span']);
});

interface OtlpResourceSpans {
  resource: { attributes: { key: string; value: { stringValue?: string } }[] };
  scopeSpans: { spans: { name: string }[] }[];
}
