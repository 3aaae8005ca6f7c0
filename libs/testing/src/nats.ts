import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { join } from 'node:path';
import { requireBinary } from './binaries.js';
import { freePort } from './ports.js';
import { ChildEngine, makeTempDir, startOrDispose, type StartedEngine } from './process.js';

/** Ready means: a client connects and the JetStream API answers. */
async function probeNats(url: string): Promise<void> {
  const nc = await connect({ servers: url, reconnect: false, timeout: 1_000 });
  try {
    await jetstreamManager(nc, { timeout: 1_000 });
  } finally {
    await nc.close();
  }
}

/**
 * Starts a nats-server with JetStream on a free port of 127.0.0.1.
 * JetStream data goes to `dir` (kept) or to a temporary directory removed by dispose().
 */
export async function startNats(dir?: string): Promise<StartedEngine> {
  const command = requireBinary('nats-server');
  const tempDir = makeTempDir('nats');
  const dataDir = dir ?? join(tempDir, 'data');
  const port = await freePort();
  const url = `nats://127.0.0.1:${port}`;
  const engine = new ChildEngine({
    engine: 'nats-server',
    command,
    args: ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dataDir, '-n', `lgsp-test-${port}`],
    url,
    dir: dataDir,
    tempDir,
    probe: () => probeNats(url),
  });
  return startOrDispose(engine, tempDir);
}
