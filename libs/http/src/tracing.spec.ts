import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Controller, HttpCode, Module, Param, Post } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SpanKind } from '@opentelemetry/api';
import { recordSpansForTests, startTelemetry, type ReadableSpan } from '@openlgsp/telemetry';
import { ProblemFilter, SERVICE_NAME } from './problem.filter.js';

// A passing suite prints the runner's lines only: the app's start-up logs are info.
process.env.LOG_LEVEL ??= 'warn';

// As in main.ts: tracing first, then the modules it instruments.
const telemetry = await startTelemetry({ serviceName: 'test' });
const recorder = recordSpansForTests();
const { createApp, startApp } = await import('./bootstrap.js');

@Controller('requests')
class RequestsController {
  @Post(':id/approval')
  @HttpCode(200)
  approve(@Param('id') id: string) {
    return { id };
  }
}

@Module({
  controllers: [RequestsController],
  providers: [
    { provide: SERVICE_NAME, useValue: 'test' },
    { provide: APP_FILTER, useClass: ProblemFilter },
  ],
})
class RequestsModule {}

/** The server span ends when the response has been written, which may be just after the caller has it. */
async function serverSpan(): Promise<ReadableSpan> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const span = recorder.spans().find((s) => s.kind === SpanKind.SERVER);
    if (span) return span;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('no SERVER span ended');
}

describe('HTTP server spans (HTTP semantic conventions)', () => {
  let app: NestFastifyApplication;
  let url: string;

  before(async () => {
    process.env.AUDIT_ACCESS_EVENTS = 'off';
    app = await createApp('test', RequestsModule);
    await startApp(app, { port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  });
  after(async () => {
    await app?.close();
    await telemetry.shutdown();
  });

  it('names a matched request\u2019s span `{method} {route}`, the route in `{param}` form', async () => {
    recorder.reset();
    const response = await fetch(`${url}/test/requests/r-42/approval`, { method: 'POST' });
    assert.equal(response.status, 200, await response.text());
    const span = await serverSpan();
    assert.equal(span.name, 'POST /test/requests/{id}/approval');
    assert.equal(span.attributes['http.route'], '/test/requests/{id}/approval');
    assert.equal(span.attributes['url.path'], '/test/requests/r-42/approval');
  });

  it('leaves an unmatched request\u2019s span named by its method alone', async () => {
    recorder.reset();
    const response = await fetch(`${url}/test/nowhere/r-42`);
    assert.equal(response.status, 404);
    await response.text();
    const span = await serverSpan();
    assert.equal(span.name, 'GET');
    assert.equal(span.attributes['http.route'], undefined);
  });
});
