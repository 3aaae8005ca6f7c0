import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, beforeEach, test } from 'node:test';
import { context, trace } from '@opentelemetry/api';
import { createLogger, currentTraceId, NestPinoLogger, startTelemetry } from './index.js';

const telemetry = await startTelemetry({ serviceName: 'telemetry-spec' });
after(() => telemetry.shutdown());
const tracer = trace.getTracer('spec');

/** Lines written by the logger, parsed. */
let lines: Record<string, unknown>[] = [];
const destination = new Writable({
  write(chunk: Buffer, _encoding, done) {
    lines.push(
      ...chunk
        .toString('utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line)),
    );
    done();
  },
});
beforeEach(() => (lines = []));

/** Pino writes synchronously to a plain stream; this only gives the stream its turn. */
const flushed = () => new Promise((resolve) => setImmediate(resolve));

test('every line carries the service, and trace_id/span_id inside a span', async () => {
  const log = createLogger('catalogue', destination);
  log.info('outside');
  const span = tracer.startSpan('request');
  context.with(trace.setSpan(context.active(), span), () => {
    log.info({ datasetId: 'ds-1' }, 'inside');
    assert.equal(currentTraceId(), span.spanContext().traceId);
  });
  span.end();
  await flushed();

  assert.equal(lines.length, 2);
  const [outside, inside] = lines;
  assert.equal(outside?.service, 'catalogue');
  assert.equal(outside?.level, 'info');
  assert.equal(outside?.trace_id, undefined);
  assert.equal(inside?.service, 'catalogue');
  assert.equal(inside?.msg, 'inside');
  assert.equal(inside?.datasetId, 'ds-1');
  assert.equal(inside?.trace_id, span.spanContext().traceId);
  assert.equal(inside?.span_id, span.spanContext().spanId);
  assert.equal(currentTraceId(), undefined);
});

test('secrets are redacted, wherever they sit', async () => {
  const log = createLogger('auth', destination);
  log.info(
    {
      password: 'hunter2',
      req: {
        headers: {
          authorization: 'Bearer eyJhbGciOi',
          cookie: 'sid=1',
          'x-api-key': 'k-123',
          accept: 'json',
        },
      },
      app: { credentials: { token: 't-1', secret: 's-1' } },
    },
    'login',
  );
  await flushed();

  const raw = JSON.stringify(lines[0]);
  for (const secret of ['hunter2', 'eyJhbGciOi', 'sid=1', 'k-123', 't-1', 's-1']) {
    assert.ok(!raw.includes(secret), `${secret} leaked: ${raw}`);
  }
  assert.deepEqual(lines[0]?.req, {
    headers: { authorization: '[REDACTED]', cookie: '[REDACTED]', 'x-api-key': '[REDACTED]', accept: 'json' },
  });
});

test('LOG_LEVEL sets the level', async () => {
  process.env.LOG_LEVEL = 'warn';
  try {
    const log = createLogger('audit', destination);
    log.info('dropped');
    log.warn('kept');
  } finally {
    delete process.env.LOG_LEVEL;
  }
  await flushed();
  assert.deepEqual(
    lines.map((line) => line.msg),
    ['kept'],
  );
});

test("NestPinoLogger maps Nest's levels, context and stack", async () => {
  process.env.LOG_LEVEL = 'trace';
  const nest = new NestPinoLogger(createLogger('sharing', destination), 'Default');
  delete process.env.LOG_LEVEL;
  const stack = 'Error: boom\n    at handler (/app/x.js:1:1)';

  nest.log('started', 'NestApplication');
  nest.warn('slow');
  nest.debug('d', 'Ctx');
  nest.verbose('v', 'Ctx');
  nest.fatal('dying', 'Ctx');
  nest.error('failed', stack, 'ExceptionsHandler');
  nest.error('failed without context', stack);
  nest.error('failed, no stack', undefined, 'Ctx');
  nest.error(new RangeError('out of range'), 'Ctx');
  nest.log({ event: 'ready', port: 3000 }, 'Ctx');
  await flushed();

  const pick = (line: Record<string, unknown>) => [line.level, line.context, line.msg ?? line.event];
  assert.deepEqual(lines.map(pick), [
    ['info', 'NestApplication', 'started'],
    ['warn', 'Default', 'slow'],
    ['debug', 'Ctx', 'd'],
    ['trace', 'Ctx', 'v'],
    ['fatal', 'Ctx', 'dying'],
    ['error', 'ExceptionsHandler', 'failed'],
    ['error', 'Default', 'failed without context'],
    ['error', 'Ctx', 'failed, no stack'],
    ['error', 'Ctx', 'out of range'],
    ['info', 'Ctx', 'ready'],
  ]);
  assert.equal(lines[5]?.stack, stack);
  assert.equal(lines[6]?.stack, stack);
  assert.equal(lines[7]?.stack, undefined);
  assert.equal((lines[8]?.err as { type?: string })?.type, 'RangeError');
  assert.equal(lines[9]?.port, 3000);
  for (const line of lines) assert.equal(line.service, 'sharing');
});
