import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { readTrace, startJaeger, waitForTrace, type TraceBackend } from '../src/index.js';

/** One OTLP/JSON span of `service`, as an SDK exporter would send it. */
function otlpSpan(service: string, traceId: string, spanId: string, parentSpanId: string, name: string) {
  const now = BigInt(Date.now()) * 1_000_000n;
  return {
    resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
    scopeSpans: [
      {
        scope: { name: 'harness' },
        spans: [
          {
            traceId,
            spanId,
            parentSpanId,
            name,
            kind: 2, // SERVER
            startTimeUnixNano: String(now),
            endTimeUnixNano: String(now + 1_000_000n),
            attributes: [{ key: 'http.route', value: { stringValue: '/x/{id}' } }],
          },
        ],
      },
    ],
  };
}

describe('startJaeger', () => {
  let jaeger: TraceBackend;

  before(async () => {
    jaeger = await startJaeger();
  });

  after(async () => {
    await jaeger?.stop();
  });

  test('takes spans over OTLP/HTTP and gives a trace back by its id, with services and parents', async () => {
    const traceId = randomBytes(16).toString('hex');
    const [root, child, caller] = [0, 1, 2].map(() => randomBytes(8).toString('hex')) as [
      string,
      string,
      string,
    ];
    const sent = await fetch(`${jaeger.otlpEndpoint}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        resourceSpans: [
          otlpSpan('catalogue', traceId, root, caller, 'GET /x/{id}'),
          otlpSpan('audit', traceId, child, root, 'process lgsp.x'),
        ],
      }),
    });
    assert.equal(sent.status, 200, await sent.text());
    const spans = await waitForTrace(jaeger.queryUrl, traceId, (s) => s.length === 2);
    const byName = new Map(spans.map((s) => [s.name, s]));
    assert.equal(byName.get('GET /x/{id}')?.service, 'catalogue');
    assert.equal(byName.get('GET /x/{id}')?.parentSpanId, caller);
    assert.equal(byName.get('GET /x/{id}')?.kind, 'server');
    assert.equal(byName.get('GET /x/{id}')?.attributes['http.route'], '/x/{id}');
    assert.equal(byName.get('process lgsp.x')?.service, 'audit');
    assert.equal(byName.get('process lgsp.x')?.parentSpanId, root);
  });

  test('an unknown trace is no spans, and waitForTrace says what it saw when its bound passes', async () => {
    const unknown = randomBytes(16).toString('hex');
    assert.deepEqual(await readTrace(jaeger.queryUrl, unknown), []);
    await assert.rejects(
      waitForTrace(jaeger.queryUrl, unknown, (s) => s.length > 0, 300),
      /did not get the spans expected within 300 ms; it has:\n {2}\(nothing\)/,
    );
  });

  test('stop() ends the backend and removes its folder', async () => {
    const other = await startJaeger();
    const dir = other.engine.dir!;
    assert.ok(existsSync(dir));
    await other.stop();
    assert.equal(other.engine.running, false);
    assert.ok(!existsSync(dir));
    await assert.rejects(fetch(`${other.queryUrl}/api/services`));
  });
});
