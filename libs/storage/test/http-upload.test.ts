import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FolderObjectStore, TooLargeError } from '../src/index.js';

/** An upload endpoint as a service would write it: the request streamed into the store. */
describe('an HTTP upload past the bound is answered 413', () => {
  let dir: string;
  let server: Server;
  let url: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lgsp-storage-http-'));
    const store = new FolderObjectStore(dir, 1024 * 1024);
    server = createServer((request, response) => {
      store.put('uploads/file.bin', request, { contentType: request.headers['content-type'] }).then(
        (stored) =>
          response.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify(stored)),
        (error: unknown) => {
          const status = error instanceof TooLargeError ? 413 : 500;
          response.writeHead(status, { 'content-type': 'application/problem+json' });
          response.end(JSON.stringify({ status, detail: (error as Error).message }));
        },
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });

  after(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  test('a body within the bound is stored (201)', async () => {
    const response = await fetch(url, { method: 'PUT', body: Buffer.alloc(1024 * 1024, 7) });
    assert.equal(response.status, 201);
    assert.equal(((await response.json()) as { bytes: number }).bytes, 1024 * 1024);
  });

  test('a body over the bound gets 413 with the limit, and the stored file is untouched', async () => {
    const response = await fetch(url, { method: 'PUT', body: Buffer.alloc(3 * 1024 * 1024, 9) });
    assert.equal(response.status, 413);
    assert.match(
      ((await response.json()) as { detail: string }).detail,
      /larger than the limit of 1048576 bytes/,
    );
    const kept = await new FolderObjectStore(dir).head('uploads/file.bin');
    assert.equal(kept?.bytes, 1024 * 1024);
  });
});
