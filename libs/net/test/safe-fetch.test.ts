import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { text } from 'node:stream/consumers';
import { after, before, describe, test } from 'node:test';
import {
  ConnectionPool,
  OutboundRequestError,
  safeFetch,
  SsrfRefusedError,
  type Resolver,
} from '../src/index.js';

interface Receiver {
  server: Server;
  port: number;
  hits: string[];
}

async function receiver(
  handle: (request: IncomingMessage, response: ServerResponse, port: number) => void,
): Promise<Receiver> {
  const hits: string[] = [];
  let port = 0;
  const server = createServer((request, response) => {
    hits.push(`${request.method} ${request.url}`);
    handle(request, response, port);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  return { server, port, hits };
}

async function close(receiver: Receiver | undefined): Promise<void> {
  if (!receiver) return;
  receiver.server.closeAllConnections();
  await new Promise((resolve) => receiver.server.close(resolve));
}

const v4: Resolver = async () => [{ address: '127.0.0.1', family: 4 }];

const isRefusal =
  (reason: RegExp) =>
  (error: unknown): boolean =>
    error instanceof SsrfRefusedError && error.code === 'ssrf-refused' && reason.test(error.reason);

const isFailure =
  (code: string) =>
  (error: unknown): boolean =>
    error instanceof OutboundRequestError && error.code === code;

describe('safeFetch against local receivers', () => {
  let a: Receiver; // the allow-listed receiver
  let b: Receiver; // another local port, not allow-listed
  let allow: string[];

  before(async () => {
    b = await receiver((_request, response) => response.end('you should not see this'));
    a = await receiver((request, response, port) => {
      const redirect = (status: number, location: string) => response.writeHead(status, { location }).end();
      switch (request.url) {
        case '/ok':
          return response.writeHead(200, { 'content-type': 'text/plain' }).end('hello');
        case '/echo':
          return void text(request).then((body) =>
            response
              .writeHead(200, { 'content-type': 'application/json' })
              .end(JSON.stringify({ method: request.method, body, headers: request.headers })),
          );
        case '/to-b':
          return redirect(302, `http://127.0.0.1:${b.port}/secret`);
        case '/to-self':
          return redirect(301, '/ok');
        case '/to-localhost':
          return redirect(302, `http://localhost:${port}/echo`);
        case '/see-other':
          return redirect(303, '/echo');
        case '/temporary':
          return redirect(307, '/echo');
        case '/loop':
          return redirect(302, '/loop');
        case '/to-file':
          return redirect(302, 'file:///etc/passwd');
        case '/big':
          return response.end(Buffer.alloc(2 * 1024 * 1024, 1));
        case '/silent':
          return; // never answers
        default:
          return response.writeHead(404).end();
      }
    });
    allow = [`127.0.0.1:${a.port}`];
  });

  after(async () => {
    await close(a);
    await close(b);
  });

  test('refuses a loopback receiver that is not allow-listed, before connecting', async () => {
    const before = a.hits.length;
    await assert.rejects(safeFetch(`http://127.0.0.1:${a.port}/ok`), isRefusal(/127\.0\.0\.1 is loopback/));
    assert.equal(a.hits.length, before, 'the receiver must not have been called');
  });

  test('calls an allow-listed receiver', async () => {
    const response = await safeFetch(`http://127.0.0.1:${a.port}/ok`, {}, { allow });
    assert.equal(response.status, 200);
    assert.equal(response.body.toString(), 'hello');
    assert.equal(response.headers.get('content-type'), 'text/plain');
    assert.deepEqual(response.redirects, []);
  });

  test('refuses a redirect from the allow-listed receiver to a loopback port that is not', async () => {
    await assert.rejects(
      safeFetch(`http://127.0.0.1:${a.port}/to-b`, {}, { allow }),
      (error: unknown) =>
        isRefusal(/127\.0\.0\.1 is loopback.*redirected from/)(error) &&
        (error as SsrfRefusedError).url === `http://127.0.0.1:${b.port}/secret`,
    );
    assert.deepEqual(b.hits, [], 'the second receiver must never be called');
  });

  test('refuses a redirect to another scheme', async () => {
    await assert.rejects(
      safeFetch(`http://127.0.0.1:${a.port}/to-file`, {}, { allow }),
      isRefusal(/scheme file/),
    );
  });

  test('refuses schemes other than http(s)', async () => {
    for (const url of [
      'file:///etc/passwd',
      `ftp://127.0.0.1:${a.port}/`,
      'data:text/plain,hi',
      'ws://127.0.0.1/',
    ]) {
      await assert.rejects(safeFetch(url, {}, { allow }), isRefusal(/is not http or https/));
    }
  });

  test('refuses a host name that resolves to a loopback or private address', async () => {
    await assert.rejects(
      safeFetch(`http://localhost:${a.port}/ok`),
      isRefusal(/localhost resolves to .* loopback/),
    );
    // an allow-listed address is let through whatever name leads to it
    assert.equal((await safeFetch(`http://localhost:${a.port}/ok`, {}, { allow, resolve: v4 })).status, 200);
    const resolve: Resolver = async () => [{ address: '10.0.0.5', family: 4 }];
    await assert.rejects(
      safeFetch('http://intranet.test/', {}, { resolve }),
      isRefusal(/intranet\.test resolves to 10\.0\.0\.5, which is private/),
    );
  });

  test('connects to the address it checked, without asking DNS again', async () => {
    let lookups = 0;
    // receiver.test exists only in this resolver: the connection can only use the checked address.
    const resolve: Resolver = async (hostname) => {
      lookups++;
      assert.equal(hostname, 'receiver.test');
      return [{ address: '127.0.0.1', family: 4 }];
    };
    const response = await safeFetch(`http://receiver.test:${a.port}/echo`, {}, { allow, resolve });
    const echoed = JSON.parse(response.body.toString()) as { headers: Record<string, string> };
    assert.equal(echoed.headers['host'], `receiver.test:${a.port}`);
    assert.equal(lookups, 1);
  });

  test('follows redirects within the allow-list, re-checking each hop', async () => {
    const same = await safeFetch(`http://127.0.0.1:${a.port}/to-self`, {}, { allow });
    assert.equal(same.body.toString(), 'hello');
    assert.equal(same.url, `http://127.0.0.1:${a.port}/ok`);
    assert.deepEqual(same.redirects, [`http://127.0.0.1:${a.port}/to-self`]);
  });

  test('a 303 turns a POST into a GET; a 307 sends the body again', async () => {
    const init = {
      method: 'POST',
      body: '{"type":"vn.openlgsp.opendata.publication.updated.v1"}',
      headers: { 'content-type': 'application/json' },
    };
    const seeOther = JSON.parse(
      (await safeFetch(`http://127.0.0.1:${a.port}/see-other`, init, { allow })).body.toString(),
    );
    assert.deepEqual([seeOther.method, seeOther.body], ['GET', '']);
    const temporary = JSON.parse(
      (await safeFetch(`http://127.0.0.1:${a.port}/temporary`, init, { allow })).body.toString(),
    );
    assert.deepEqual([temporary.method, temporary.body], ['POST', init.body]);
  });

  test('drops credentials when a redirect leaves the origin', async () => {
    const response = await safeFetch(
      `http://127.0.0.1:${a.port}/to-localhost`,
      { headers: { authorization: 'Bearer secret', 'webhook-id': 'msg_1' } },
      { allow: [...allow, `localhost:${a.port}`] },
    );
    const echoed = JSON.parse(response.body.toString()) as { headers: Record<string, string> };
    assert.equal(echoed.headers['authorization'], undefined);
    assert.equal(echoed.headers['webhook-id'], 'msg_1');
  });

  test('stops after the bounded number of redirects', async () => {
    await assert.rejects(
      safeFetch(`http://127.0.0.1:${a.port}/loop`, {}, { allow, maxRedirects: 3 }),
      isFailure('too-many-redirects'),
    );
    await assert.rejects(
      safeFetch(`http://127.0.0.1:${a.port}/to-self`, {}, { allow, maxRedirects: 0 }),
      isFailure('too-many-redirects'),
    );
  });

  test('bounds the size of the answer', async () => {
    await assert.rejects(
      safeFetch(`http://127.0.0.1:${a.port}/big`, {}, { allow, maxResponseBytes: 64 * 1024 }),
      isFailure('response-too-large'),
    );
    const within = await safeFetch(
      `http://127.0.0.1:${a.port}/big`,
      {},
      { allow, maxResponseBytes: 4 * 1024 * 1024 },
    );
    assert.equal(within.body.length, 2 * 1024 * 1024);
  });

  test('gives up on a receiver that does not answer', async () => {
    await assert.rejects(
      safeFetch(`http://127.0.0.1:${a.port}/silent`, {}, { allow, timeoutMs: 300 }),
      isFailure('timeout'),
    );
  });

  test('the deadline covers a resolver that does not answer', async () => {
    const never: Resolver = () => new Promise(() => undefined);
    await assert.rejects(
      safeFetch('http://slow-dns.test/', {}, { resolve: never, timeoutMs: 200 }),
      isFailure('timeout'),
    );
  });

  test('a closed port is unreachable, not refused', async () => {
    const closed = await receiver(() => undefined);
    await close(closed);
    await assert.rejects(
      safeFetch(`http://127.0.0.1:${closed.port}/`, {}, { allow: [`127.0.0.1:${closed.port}`] }),
      isFailure('unreachable'),
    );
  });

  test('reuses a kept-alive connection per origin with a pool, and still checks every call', async () => {
    const sockets = new Set<unknown>();
    const count = (socket: unknown) => sockets.add(socket);
    a.server.on('connection', count);
    // One connection per origin, so that reuse is exact (with more, a call may open another meanwhile).
    const pool = new ConnectionPool({ maxOrigins: 4, idleMs: 5_000, connectionsPerOrigin: 1 });
    try {
      for (let i = 0; i < 5; i++)
        assert.equal(
          (await safeFetch(`http://127.0.0.1:${a.port}/echo`, { method: 'POST', body: 'x' }, { allow, pool }))
            .status,
          200,
        );
      assert.equal(sockets.size, 1, 'five calls over one connection');
      assert.equal(pool.size, 1);
      // A name now resolving elsewhere is checked again and refused: the pooled connection is not used.
      let address = '127.0.0.1';
      const resolve: Resolver = async () => [{ address, family: 4 }];
      assert.equal(
        (await safeFetch(`http://receiver.test:${a.port}/ok`, {}, { allow, resolve, pool })).status,
        200,
      );
      address = '10.0.0.5';
      await assert.rejects(
        safeFetch(`http://receiver.test:${a.port}/ok`, {}, { allow, resolve, pool }),
        isRefusal(/10\.0\.0\.5, which is private/),
      );
      // A redirect hop is checked as without a pool.
      const before = b.hits.length;
      await assert.rejects(
        safeFetch(`http://127.0.0.1:${a.port}/to-b`, {}, { allow, pool }),
        isRefusal(/loopback/),
      );
      assert.equal(b.hits.length, before);
    } finally {
      a.server.off('connection', count);
      await pool.close();
    }
    assert.equal(pool.size, 0);
    // Without a pool, each call has its own connection.
    sockets.clear();
    a.server.on('connection', count);
    try {
      for (let i = 0; i < 3; i++) await safeFetch(`http://127.0.0.1:${a.port}/ok`, {}, { allow });
      assert.equal(sockets.size, 3);
    } finally {
      a.server.off('connection', count);
    }
  });

  test('a pool keeps a bounded number of origins, dropping the least recently used', async () => {
    const pool = new ConnectionPool({ maxOrigins: 2 });
    try {
      const resolve: Resolver = async () => [{ address: '127.0.0.1', family: 4 }];
      for (const host of ['one.test', 'two.test', 'three.test'])
        await safeFetch(`http://${host}:${a.port}/ok`, {}, { allow, resolve, pool });
      assert.equal(pool.size, 2);
    } finally {
      await pool.close();
    }
  });
});
