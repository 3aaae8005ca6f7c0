import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, connect, type Server } from 'node:net';
import { after, describe, test } from 'node:test';
import { freePort, listensOn } from '../src/ports.js';
import { ChildEngine, makeTempDir, removeTempDir } from '../src/process.js';

const listen = (server: Server, port: number) =>
  new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

/** A TCP "engine": a node process listening on `port` (what nats-server or FerretDB are to the harness). */
function tcpEngine(port: number, tempDir: string): ChildEngine {
  return new ChildEngine({
    engine: 'service',
    command: process.execPath,
    args: ['-e', `require('node:net').createServer((s) => s.end()).listen(${port}, '127.0.0.1')`],
    url: `tcp://127.0.0.1:${port}`,
    dir: tempDir,
    tempDir,
    probe: () =>
      new Promise<void>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1');
        socket.once('connect', () => (socket.destroy(), resolve()));
        socket.once('error', reject);
      }),
    startTimeoutMs: 10_000,
  });
}

describe('ports of the engines', () => {
  const dirs: string[] = [];
  after(async () => {
    for (const dir of dirs) await removeTempDir(dir);
  });

  test('freePort hands out a bindable port below the kernel’s ephemeral range', async () => {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    for (let i = 0; i < 20; i++) {
      const port = await freePort();
      assert.ok(port >= 10_000 && port < Number(low), `${port} is below ${low}`);
      const server = createServer();
      await listen(server, port);
      await close(server);
    }
  });

  test('listensOn tells this process’s listener from another’s', async () => {
    const server = createServer();
    const port = await freePort();
    await listen(server, port);
    try {
      assert.equal(listensOn(process.pid, port), true);
      assert.equal(listensOn(process.ppid, port), false);
    } finally {
      await close(server);
    }
    assert.equal(listensOn(process.pid, port), false);
  });

  test('an engine restarted on a port another process took fails clearly, never answering through it', async () => {
    const dir = makeTempDir('ports');
    dirs.push(dir);
    const port = await freePort();
    const engine = tcpEngine(port, dir);
    await engine.start();
    await engine.stop();

    const squatter = createServer((s) => s.end());
    await listen(squatter, port);
    try {
      await assert.rejects(engine.start(), (error: Error) => {
        assert.match(error.message, /before it was ready|another process listens/);
        return true;
      });
      assert.equal(engine.running, false);
    } finally {
      await close(squatter);
    }
    await engine.start();
    assert.equal(listensOn(engine.pid!, port), true, 'once the port is free it starts as before');
    await engine.dispose();
  });
});
