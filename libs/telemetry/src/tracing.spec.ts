import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { trace } from '@opentelemetry/api';
import { fileURLToPath } from 'node:url';
import { hostService, startTelemetry } from './index.js';
import { packageVersionOf } from './tracing.js';

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
  assert.match(String(resource['service.instance.id']), /^[0-9a-f-]{36}$/, 'one id per process');
  assert.equal(resource['service.namespace'], 'openlgsp');
  assert.equal(resource['k8s.namespace.name'], 'lgsp-prod');
  const names = resourceSpans!.scopeSpans.flatMap((scope) => scope.spans.map((span) => span.name));
  assert.deepEqual(names, ['exported-span']);
});

test('spans started by what a hosted service set up are exported under its service.name, the others as before', async () => {
  const bodies: Buffer[] = [];
  const collector = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.url === '/v1/traces') bodies.push(Buffer.concat(chunks));
      response.end();
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
  process.env.OTEL_SERVICE_NAME = 'e2e-process';

  const telemetry = await startTelemetry({ serviceName: 'e2e' });
  const tracer = trace.getTracer('spec');
  // A timer the hosted service sets up fires later, in a trace of its own: still that service's.
  const later = hostService(
    'audit',
    () => new Promise<void>((resolve) => setTimeout(() => (tracer.startSpan('hosted').end(), resolve()), 10)),
  );
  tracer.startSpan('not-hosted').end();
  await later;
  await telemetry.shutdown();
  collector.close();

  const serviceOf = new Map<string, string | undefined>();
  for (const body of bodies)
    for (const { resource, scopeSpans } of JSON.parse(body.toString('utf8'))
      .resourceSpans as OtlpResourceSpans[]) {
      const name = resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue;
      for (const scope of scopeSpans) for (const span of scope.spans) serviceOf.set(span.name, name);
    }
  assert.equal(serviceOf.get('hosted'), 'audit');
  assert.equal(serviceOf.get('not-hosted'), 'e2e-process');
});

test('the service version defaults to the version of the package the entry script belongs to', () => {
  // This file is libs/telemetry/dist/src/tracing.spec.js: the package is @openlgsp/telemetry.
  const own = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  assert.equal(packageVersionOf(fileURLToPath(import.meta.url)), own.version);
  assert.equal(packageVersionOf('/no/such/dir/main.js'), undefined);
});

interface OtlpResourceSpans {
  resource: { attributes: { key: string; value: { stringValue?: string } }[] };
  scopeSpans: { spans: { name: string }[] }[];
}
