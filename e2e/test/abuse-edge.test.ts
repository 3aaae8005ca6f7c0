import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startService, type ServiceUnderTest } from '@openlgsp/http/testing';
import { startEngines, type Engines } from '@openlgsp/testing';

/**
 * The edge, as an attacker meets it: the local gateway (deploy/local/gateway.mjs, the same rules as
 * the compose nginx and the k8s ingress) in front of two instances of the catalogue on one NATS and
 * one store. Bodies over the limit in every size and encoding, operators' endpoints, and the
 * per-address limit for callers without credentials, which both instances share.
 */
const ANONYMOUS_PER_MINUTE = 20;
let engines: Engines;
let first: ServiceUnderTest;
let second: ServiceUnderTest;
let gateway: http.Server;
let gatewayUrl: string;

interface GatewayModule {
  createGateway(routes: Map<string, number>, options?: { bodyLimit?: number }): http.Server;
}

before(async () => {
  engines = await startEngines();
  const env = { RATE_LIMIT_ANONYMOUS_PER_MINUTE: String(ANONYMOUS_PER_MINUTE) };
  const appModule = async () => (await import('@openlgsp/catalogue-service')).AppModule;
  first = await startService({ service: 'catalogue', appModule, engines, env });
  second = await startService({ service: 'catalogue', appModule, engines, env });
  // The gateway module is plain JavaScript beside the local runner, loaded from the repository.
  const gatewayFile = join(import.meta.dirname, '../../../deploy/local/gateway.mjs');
  const { createGateway } = (await import(gatewayFile)) as GatewayModule;
  gateway = createGateway(new Map([['catalogue', Number(new URL(first.url).port)]]), {
    bodyLimit: 8 * 1024 * 1024,
  });
  await new Promise<void>((done) => gateway.listen(0, '127.0.0.1', done));
  gatewayUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
});
after(async () => {
  await new Promise((done) => gateway?.close(done));
  await second?.stop();
  await first?.stop();
  await engines?.stop();
});

interface RawAnswer {
  status: number;
  contentType: string;
  body: string;
}

/** Sends `size` bytes of JSON-ish body, with a content-length or chunked, and reads whatever answer comes. */
function send(
  base: string,
  path: string,
  size: number,
  chunked: boolean,
  token?: string,
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { 'content-type': 'application/json' };
    if (!chunked) headers['content-length'] = size;
    if (token) headers.authorization = `Bearer ${token}`;
    const url = new URL(path, base);
    const request = http.request(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers },
      (answer) => {
        let body = '';
        answer.setEncoding('utf8');
        answer.on('data', (c: string) => (body += c));
        answer.on('end', () =>
          resolve({
            status: answer.statusCode ?? 0,
            contentType: String(answer.headers['content-type']),
            body,
          }),
        );
      },
    );
    request.on('error', reject);
    const chunk = Buffer.alloc(Math.min(size, 64 * 1024), 0x20);
    chunk[0] = 0x7b; // '{': the start of a JSON object that never ends in time
    void (async () => {
      for (let sent = 0; sent < size; sent += chunk.length) {
        const piece = sent + chunk.length > size ? chunk.subarray(0, size - sent) : chunk;
        if (!request.write(piece)) await new Promise((d) => request.once('drain', d));
      }
      request.end();
    })().catch(() => undefined);
  });
}

describe('bodies over the limit', () => {
  const cases: [string, number, boolean][] = [
    ['1 MB with a content-length', 1024 * 1024, false],
    ['1 MB chunked', 1024 * 1024, true],
    ['16 MB with a content-length (over the gateway limit too)', 16 * 1024 * 1024, false],
    ['16 MB chunked (over the gateway limit too)', 16 * 1024 * 1024, true],
  ];
  for (const [name, size, chunked] of cases)
    it(`answers 413 problem+json through the gateway and from the service: ${name}`, async () => {
      const token = await first.token('STNMT', ['provider']);
      for (const base of [gatewayUrl, first.url]) {
        const answer = await send(base, '/catalogue/entries/proposals', size, chunked, token);
        assert.equal(answer.status, 413, `${base}: ${answer.status} ${answer.body.slice(0, 200)}`);
        assert.match(answer.contentType, /^application\/problem\+json/);
        assert.equal(JSON.parse(answer.body).status, 413);
      }
    });
});

describe("operators' endpoints", () => {
  it('are not served through the gateway, and are on the service port', async () => {
    for (const path of ['/catalogue/metrics', '/catalogue/health/ready', '/catalogue/metrics?x=1']) {
      const through = await fetch(`${gatewayUrl}${path}`);
      assert.equal(through.status, 404, `${path} through the gateway`);
      assert.match(String(through.headers.get('content-type')), /problem\+json/);
    }
    // A forwarded request reaching the service by another proxy is refused by the service itself.
    const forwarded = await fetch(`${first.url}/catalogue/metrics`, {
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    assert.equal(forwarded.status, 404);
    assert.equal((await fetch(`${first.url}/catalogue/metrics`)).status, 200, 'scraped on the port');
    assert.equal((await fetch(`${first.url}/catalogue/health/ready`)).status, 200, 'probed on the port');
    assert.equal((await fetch(`${gatewayUrl}/catalogue/health/live`)).status, 200, 'liveness says nothing');
  });
});

describe('the limit for callers without credentials', () => {
  it('is one count for both instances, per address, with 429 problem+json past it', async () => {
    // Fixed one-minute windows: start the count well inside one, so a new window cannot open midway.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 45_000) await sleep(60_000 - intoMinute + 100);
    const forwardedFor = '198.51.100.7'; // one address, through the gateway to the first instance
    let allowed = 0;
    let refused: Response | undefined;
    for (let i = 0; i < 4 * ANONYMOUS_PER_MINUTE && !refused; i++) {
      // Alternate instances: per-process counters would let twice the limit through.
      const answer =
        i % 2 === 0
          ? await fetch(`${first.url}/catalogue/entries?limit=1`, {
              headers: { 'x-forwarded-for': forwardedFor },
            })
          : await fetch(`${second.url}/catalogue/entries?limit=1`, {
              headers: { 'x-forwarded-for': forwardedFor },
            });
      if (answer.status === 429) refused = answer;
      else {
        assert.equal(answer.status, 200);
        allowed++;
      }
    }
    assert.ok(refused, 'the limit was reached');
    assert.equal(allowed, ANONYMOUS_PER_MINUTE, 'both instances counted into one limit');
    assert.match(String(refused.headers.get('content-type')), /problem\+json/);
    assert.ok(Number(refused.headers.get('retry-after')) >= 1);
    const other = await fetch(`${second.url}/catalogue/entries?limit=1`, {
      headers: { 'x-forwarded-for': forwardedFor },
    });
    assert.equal(other.status, 429, 'the other instance refuses that address too');
    const spoofed = await fetch(`${first.url}/catalogue/entries?limit=1`, {
      headers: { 'x-forwarded-for': `10.9.8.7, ${forwardedFor}` },
    });
    assert.equal(spoofed.status, 429, 'an address written to the left of the proxy’s is not believed');
    const elsewhere = await fetch(`${first.url}/catalogue/entries?limit=1`, {
      headers: { 'x-forwarded-for': '198.51.100.8' },
    });
    assert.equal(elsewhere.status, 200, 'another address has its own count');
    const withToken = await fetch(`${first.url}/catalogue/entries?limit=1`, {
      headers: {
        'x-forwarded-for': forwardedFor,
        authorization: `Bearer ${await first.token('STNMT', ['provider'])}`,
      },
    });
    assert.equal(withToken.status, 200, 'an authenticated caller is not an anonymous one');
  });
});
