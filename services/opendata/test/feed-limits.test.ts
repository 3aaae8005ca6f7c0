import assert from 'node:assert/strict';
import { get, type ClientRequest, type IncomingMessage } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { startService, type ServiceUnderTest } from '@openlgsp/http/testing';
import { startEngines, type Engines } from '@openlgsp/testing';

/**
 * The bounds on SSE streams (FEED.md, 2): per client address (429) and per instance (503), each
 * refusal a problem+json with Retry-After; a stream that ends gives its place back. The platform
 * trusts its proxies, so the client address is the X-Forwarded-For one.
 */
describe('the change feed’s bounds on SSE streams', () => {
  let engines: Engines;
  let sut: ServiceUnderTest;
  const open: ClientRequest[] = [];

  before(async () => {
    engines = await startEngines();
    sut = await startService({
      service: 'opendata',
      appModule: async () => (await import('./feed-app.module.js')).FeedAppModule,
      engines,
      env: {
        WEBHOOK_WORKER: 'off',
        FEED_MAX_CLIENTS_PER_ADDRESS: '2',
        FEED_MAX_CLIENTS: '3',
        FEED_BUSY_RETRY_AFTER_S: '7',
      },
    });
  });

  after(async () => {
    for (const r of open) r.destroy();
    await sut?.stop();
    await engines?.stop();
  });

  /** Opens a stream as a client at `address`; resolves with the answer's head (and body if refused). */
  function stream(
    address: string,
  ): Promise<{ response: IncomingMessage; body: string; request: ClientRequest }> {
    const url = new URL(`${sut.url}/opendata/feed`);
    return new Promise((resolve, reject) => {
      const request = get(
        { host: url.hostname, port: url.port, path: url.pathname, headers: { 'x-forwarded-for': address } },
        (response) => {
          if (response.statusCode === 200) {
            open.push(request);
            return resolve({ response, body: '', request });
          }
          let body = '';
          response.setEncoding('utf8');
          response
            .on('data', (c: string) => (body += c))
            .on('end', () => resolve({ response, body, request }));
        },
      );
      request.on('error', reject);
    });
  }

  it('refuses a third stream from one address with 429, and a fourth on the instance with 503, both with Retry-After', async () => {
    const first = await stream('203.0.113.1');
    assert.equal((await stream('203.0.113.1')).response.statusCode, 200);
    const third = await stream('203.0.113.1');
    assert.equal(third.response.statusCode, 429);
    assert.equal(third.response.headers['retry-after'], '7');
    assert.match(String(third.response.headers['content-type']), /^application\/problem\+json/);
    assert.equal(JSON.parse(third.body).code, 'too-many-streams');

    assert.equal((await stream('198.51.100.9')).response.statusCode, 200, 'another address is served');
    const full = await stream('192.0.2.44');
    assert.equal(full.response.statusCode, 503);
    assert.equal(full.response.headers['retry-after'], '7');
    assert.equal(JSON.parse(full.body).code, 'feed-busy');

    // A stream that ends gives its place back.
    first.request.destroy();
    await new Promise((r) => first.response.once('close', r));
    let again = await stream('192.0.2.44');
    for (let i = 0; i < 50 && again.response.statusCode !== 200; i++) {
      await new Promise((r) => setTimeout(r, 50));
      again = await stream('192.0.2.44');
    }
    assert.equal(again.response.statusCode, 200);
  });
});
