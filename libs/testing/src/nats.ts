import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { requireBinary } from './binaries.js';
import { freePort } from './ports.js';
import { ChildEngine, makeTempDir, startOrDispose, type StartedEngine } from './process.js';

/** What a client passes to connect as a user of the generated configuration. */
export interface NatsCredentials {
  readonly user: string;
  readonly pass: string;
}

/** A nats-server running the generated configuration (deploy/nats/accounts.mjs, test variant). */
export interface StartedNats extends StartedEngine {
  /** Its users' credentials: each service by name, `agency-<code>`, `public`, `app-<name>`, `feed-admin`, `sys`. */
  credentials(user: string): NatsCredentials;
  /** The agencies that have an account: the definition's defaults and those asked for. */
  readonly agencies: readonly string[];
  /** Creates PUBLIC's OPENDATA, the mirror external apps read, as `feed-admin` (once). */
  ensurePublicFeed(): Promise<void>;
}

/** deploy/nats/accounts.mjs and generate.mjs, the one definition of NATS users (plain JS, outside the TS build). */
interface NatsDefinition {
  usersOf(options: { agencies: readonly string[]; apps: readonly string[]; variant: 'test' }): string[];
  DEFAULT_AGENCIES: string[];
  TEST_FIXTURES_USER: string;
  ensurePublicFeed(jsm: JetStreamManager): Promise<void>;
  renderNatsConf(options: {
    variant: 'test';
    agencies: readonly string[];
    apps: readonly string[];
    passwords: Record<string, string>;
    host: string;
    port: number;
    storeDir: string;
    serverName: string;
  }): string;
}

let definition: Promise<NatsDefinition> | undefined;

/** Loads the definition from the repository this package is built in. */
export function natsDefinition(): Promise<NatsDefinition> {
  definition ??= (async () => {
    let dir = dirname(fileURLToPath(import.meta.url));
    while (!existsSync(join(dir, 'deploy/nats/accounts.mjs'))) {
      const up = dirname(dir);
      if (up === dir) throw new Error('deploy/nats/accounts.mjs not found above libs/testing');
      dir = up;
    }
    const accounts = (await import(pathToFileURL(join(dir, 'deploy/nats/accounts.mjs')).href)) as object;
    const generate = (await import(pathToFileURL(join(dir, 'deploy/nats/generate.mjs')).href)) as object;
    return { ...accounts, ...generate } as NatsDefinition;
  })();
  return definition;
}

/** Ready means: a client connects and the JetStream API answers. */
async function probeNats(url: string, credentials: NatsCredentials): Promise<void> {
  const nc = await connect({ servers: url, reconnect: false, timeout: 1_000, ...credentials });
  try {
    await jetstreamManager(nc, { timeout: 1_000 });
  } finally {
    await nc.close();
  }
}

/**
 * Starts a nats-server with JetStream on a free port of 127.0.0.1, configured with the platform's
 * accounts and users (deploy/nats/accounts.mjs) and passwords new to this server. A client that
 * gives no credentials is the test variant's `lgsp-test-fixtures` user, with every right in the
 * platform's account, for test setup; services and the per-rule tests connect as their own users.
 * JetStream data goes to `dir` (kept) or to a temporary directory removed by dispose().
 */
export async function startNats(
  dir?: string,
  options: { agencies?: string[]; apps?: string[] } = {},
): Promise<StartedNats> {
  const command = requireBinary('nats-server');
  const nats = await natsDefinition();
  const tempDir = makeTempDir('nats');
  const dataDir = dir ?? join(tempDir, 'data');
  const port = await freePort();
  const url = `nats://127.0.0.1:${port}`;
  const agencies = [...new Set([...nats.DEFAULT_AGENCIES, ...(options.agencies ?? [])])];
  const apps = options.apps ?? [];
  const passwords = Object.fromEntries(
    nats.usersOf({ agencies, apps, variant: 'test' }).map((u) => [u, randomBytes(18).toString('base64url')]),
  );
  const confFile = join(tempDir, 'nats.conf');
  writeFileSync(
    confFile,
    nats.renderNatsConf({
      variant: 'test',
      agencies,
      apps,
      passwords,
      host: '127.0.0.1',
      port,
      storeDir: dataDir,
      serverName: `lgsp-test-${port}`,
    }),
    { mode: 0o600 },
  );
  const credentials = (user: string): NatsCredentials => {
    const pass = passwords[user];
    if (!pass) throw new Error(`no NATS user ${user} (deploy/nats/accounts.mjs)`);
    return { user, pass };
  };
  const engine = new ChildEngine({
    engine: 'nats-server',
    command,
    args: ['-c', confFile],
    url,
    dir: dataDir,
    tempDir,
    probe: () => probeNats(url, credentials(nats.TEST_FIXTURES_USER)),
  });
  const started = await startOrDispose(engine, tempDir);
  return Object.assign(started, {
    credentials,
    agencies,
    async ensurePublicFeed() {
      const nc = await connect({ servers: url, ...credentials('feed-admin') });
      try {
        await nats.ensurePublicFeed(await jetstreamManager(nc));
      } finally {
        await nc.close();
      }
    },
  });
}
