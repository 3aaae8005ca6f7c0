import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Engines } from './engines.js';
import { freePort } from './ports.js';
import { ChildEngine, makeTempDir, startOrDispose, type StartedEngine } from './process.js';

/** A service running as its own OS process (its built `dist/src/main.js`), so that `kill()` is a real `kill -9`. */
export interface ServiceProcess extends StartedEngine {
  readonly service: string;
  /** http://127.0.0.1:PORT — the same port after every restart. */
  readonly url: string;
}

export interface ServiceProcessOptions {
  /** The folder under services/, e.g. `incidents`. */
  service: string;
  engines: Engines;
  /** Added to the environment (after the harness's own settings, so it wins). */
  env?: Record<string, string>;
  startTimeoutMs?: number;
}

function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'nx.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('the repository (nx.json) was not found above libs/testing');
    dir = up;
  }
  return dir;
}

/**
 * Starts `services/<service>/dist/src/main.js` (build it first) as a child process on a free port,
 * connected to `engines` as its own NATS user, as `npm start` runs it; resolves once
 * `/<service>/health/ready` answers 200. Its logs go where the suite's go (`LGSP_LOG_FILE`), its
 * stdout and stderr to a file of its own. `stop()` is SIGTERM (a clean shutdown), `kill()` SIGKILL;
 * `start()` brings it back on the same port. Pass AUTH_PUBLIC_KEY_FILE in `env` to call it with tokens.
 */
export async function startServiceProcess(options: ServiceProcessOptions): Promise<ServiceProcess> {
  const { service, engines } = options;
  const main = join(repositoryRoot(), 'services', service, 'dist', 'src', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: build the service first`);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const tempDir = makeTempDir(`service-${service}`);
  const nats = engines.natsCredentials(service);
  const env: Record<string, string> = {
    PORT: String(port),
    HOST: '127.0.0.1',
    NATS_URL: engines.natsUrl,
    NATS_USER: nats.user,
    NATS_PASSWORD: nats.pass,
    MONGO_URL: engines.mongoUrl,
    OTEL_SERVICE_NAME: service,
    OUTBOX_SWEEP_MS: '200',
    // Tests call from 127.0.0.1: the per-address limit is for the suites that test it.
    RATE_LIMIT_ANONYMOUS_PER_MINUTE: '1000000',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    ...options.env,
  };
  const engine = new ChildEngine({
    engine: 'service',
    command: process.execPath,
    args: [main],
    url,
    dir: tempDir,
    tempDir,
    env,
    // A service is not a test file of the runner that started this one.
    unsetEnv: ['NODE_TEST_CONTEXT'],
    probe: async () => {
      const answer = await fetch(`${url}/${service}/health/ready`, { signal: AbortSignal.timeout(2_000) });
      await answer.body?.cancel();
      if (answer.status !== 200) throw new Error(`/${service}/health/ready answered ${answer.status}`);
    },
    startTimeoutMs: options.startTimeoutMs ?? 60_000,
  });
  const started = await startOrDispose(engine, tempDir);
  return Object.assign(started, { service });
}
