import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { join } from 'node:path';
import { Mongoose } from 'mongoose';
import { findBinary, requireBinary } from './binaries.js';
import { freePort } from './ports.js';
import { ChildEngine, makeTempDir, startOrDispose, type StartedEngine } from './process.js';

/** The harness's own Mongoose instance, so that it never touches the tests' default one. */
const harnessMongoose = new Mongoose();

/** Resolves once 127.0.0.1:port accepts a TCP connection (fails fast while nothing listens). */
function tcpReady(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve()));
    socket.once('error', reject);
  });
}

/** Ready means: the server answers a `ping` command. */
async function probeMongo(url: string, timeoutMs = 1_000, port?: number): Promise<void> {
  // The driver retries a refused connection only every 500 ms: check the port first.
  if (port !== undefined) await tcpReady(port);
  const conn = harnessMongoose.createConnection(url, {
    serverSelectionTimeoutMS: timeoutMs,
    connectTimeoutMS: timeoutMs,
  });
  try {
    await conn.asPromise();
    await conn.db!.admin().command({ ping: 1 });
  } finally {
    await conn.close().catch(() => undefined);
  }
}

/** `mongodb://…/db?opts` with its database replaced (works for several hosts and mongodb+srv too). */
export function withDatabase(url: string, database: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/[^/?]*)(?:\/([^?]*))?(\?.*)?$/.exec(url);
  if (!match) throw new Error(`not a MongoDB connection string: ${url}`);
  return `${match[1]}/${database}${match[3] ?? ''}`;
}

/** A database name unique to this test suite (valid on MongoDB and FerretDB). */
export function uniqueDatabaseName(prefix = 'lgsp'): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

export async function dropDatabase(url: string): Promise<void> {
  const conn = await harnessMongoose.createConnection(url, { serverSelectionTimeoutMS: 5_000 }).asPromise();
  try {
    await conn.dropDatabase();
  } finally {
    await conn.close();
  }
}

class ExternalMongo implements StartedEngine {
  readonly engine = 'external' as const;
  readonly running = true;
  readonly dir = undefined;
  constructor(readonly url: string) {}
  stop(): Promise<void> {
    return Promise.reject(new Error('the MongoDB of MONGO_URL is not ours to stop'));
  }
  start(): Promise<void> {
    return Promise.resolve();
  }
  kill(): Promise<void> {
    return Promise.reject(new Error('the MongoDB of MONGO_URL is not ours to kill'));
  }
  pause(): Promise<void> {
    return Promise.reject(new Error('the MongoDB of MONGO_URL is not ours to pause'));
  }
  resume(): Promise<void> {
    return Promise.resolve();
  }
  readonly pid = undefined;
  dispose(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * A MongoDB-compatible server for a test suite; its `url` names no database.
 *   - MONGO_URL set: that server (not started or stopped by us; `dir` is ignored);
 *   - else a `mongod` on PATH;
 *   - else lgsp-ferretdb (FerretDB v1, SQLite) built by deploy/local/engines/build.sh.
 * Data goes to `dir` (kept) or to a temporary directory removed by dispose().
 */
export async function startMongo(dir?: string): Promise<StartedEngine> {
  const external = process.env['MONGO_URL'];
  if (external) {
    await probeMongo(external, 5_000).catch((error: unknown) => {
      throw new Error(`MONGO_URL (${external}) does not answer: ${String(error)}`);
    });
    return new ExternalMongo(external);
  }

  const mongod = findBinary('mongod', { cache: false });
  const command = mongod ?? requireBinary('lgsp-ferretdb', 'Or set MONGO_URL to a MongoDB server.');
  const tempDir = makeTempDir(mongod ? 'mongod' : 'ferretdb');
  const dataDir = dir ?? join(tempDir, 'data');
  mkdirSync(dataDir, { recursive: true });
  const port = await freePort();
  const url = `mongodb://127.0.0.1:${port}/`;
  const engine = new ChildEngine({
    engine: mongod ? 'mongod' : 'ferretdb',
    command,
    args: mongod
      ? ['--bind_ip', '127.0.0.1', '--port', String(port), '--dbpath', dataDir, '--nounixsocket', '--quiet']
      : // stop() should be quick: FerretDB would otherwise wait 3 s for connected clients
        ['-listen-addr', `127.0.0.1:${port}`, '-state-dir', dataDir, '-shutdown-grace', '250ms'],
    url,
    dir: dataDir,
    tempDir,
    probe: () => probeMongo(url, 1_000, port),
  });
  return startOrDispose(engine, tempDir);
}
