// The local platform: engines (unless NATS_URL / MONGO_URL name existing servers), a trace backend
// (Jaeger, unless OTEL_EXPORTER_OTLP_ENDPOINT names another), every service that exists under
// services/, and one HTTP entry point that routes /<service>/ to it. Data stays in $LGSP_DATA across
// restarts (traces do not: Jaeger keeps them in memory); Ctrl-C stops everything.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, createWriteStream, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensurePublicFeed, usersOf } from '../nats/accounts.mjs';
import { agenciesFromEnv, appsFromEnv, localPasswords, renderNatsConf } from '../nats/generate.mjs';
import { createGateway } from './gateway.mjs';
import { serviceCommand } from './service-command.mjs';

const root = resolve(import.meta.dirname, '../..');
const data = process.env.LGSP_DATA ?? join(root, '.lgsp');
const cache = process.env.LGSP_CACHE ?? join(process.env.HOME ?? '/tmp', '.cache/openlgsp');
const gatewayPort = Number(process.env.LGSP_PORT ?? 8080);
const natsPort = Number(process.env.LGSP_NATS_PORT ?? 4250);
const mongoPort = Number(process.env.LGSP_MONGO_PORT ?? 27050);
const otlpPort = Number(process.env.LGSP_OTLP_PORT ?? 4330);
const jaegerPort = Number(process.env.LGSP_JAEGER_PORT ?? 16700);
const children = [];
mkdirSync(join(data, 'logs'), { recursive: true });

function say(line) {
  process.stdout.write(`[openlgsp] ${line}\n`);
}

function run(name, command, args, env = {}) {
  const log = createWriteStream(join(data, 'logs', `${name}.log`), { flags: 'a' });
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  child.on('exit', (code, signal) => {
    if (!stopping) say(`${name} exited (${signal ?? code}); see ${join(data, 'logs', `${name}.log`)}`);
  });
  children.push({ name, child });
  return child;
}

async function waitForPort(port, what, ms = 60_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const open = await new Promise((done) => {
      const socket = net.connect(port, '127.0.0.1', () => (socket.end(), done(true)));
      socket.on('error', () => done(false));
    });
    if (open) return;
    await sleep(200);
  }
  throw new Error(`${what} did not start on port ${port}; see ${join(data, 'logs')}`);
}

async function portIsFree(port) {
  return new Promise((done) => {
    const server = net.createServer().once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

function binary(name) {
  const cached = join(cache, 'bin', name);
  return existsSync(cached) ? cached : name;
}

let stopping = false;
let gateway;
async function stop() {
  if (stopping) return;
  stopping = true;
  say('stopping…');
  gateway?.close();
  for (const { child } of [...children].reverse()) child.kill('SIGTERM');
  await Promise.all(
    children.map(({ child }) => (child.exitCode === null ? new Promise((r) => child.once('exit', r)) : null)),
  );
  say('stopped');
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

// Engines
// NATS runs the platform's accounts and users (deploy/nats/accounts.mjs); the passwords are made on
// the first run and kept in $LGSP_DATA/nats/passwords.json (0600), never printed.
let natsUrl = process.env.NATS_URL;
let natsPasswords;
if (!natsUrl) {
  if (!(await portIsFree(natsPort)))
    throw new Error(`port ${natsPort} is taken: set LGSP_NATS_PORT or NATS_URL`);
  const natsDir = join(data, 'nats');
  mkdirSync(natsDir, { recursive: true, mode: 0o700 });
  const agencies = agenciesFromEnv();
  const apps = appsFromEnv();
  natsPasswords = localPasswords(join(natsDir, 'passwords.json'), usersOf({ agencies, apps }));
  const conf = join(natsDir, 'nats.conf');
  writeFileSync(
    conf,
    renderNatsConf({
      agencies,
      apps,
      passwords: natsPasswords,
      host: '127.0.0.1',
      port: natsPort,
      storeDir: natsDir,
      serverName: 'openlgsp-local',
    }),
    { mode: 0o600 },
  );
  run('nats', binary('nats-server'), ['-c', conf]);
  await waitForPort(natsPort, 'nats-server');
  natsUrl = `nats://127.0.0.1:${natsPort}`;
}
let mongoBase = process.env.MONGO_URL;
if (!mongoBase) {
  if (!(await portIsFree(mongoPort)))
    throw new Error(`port ${mongoPort} is taken: set LGSP_MONGO_PORT or MONGO_URL`);
  run('ferretdb', binary('lgsp-ferretdb'), [
    '-listen-addr',
    `127.0.0.1:${mongoPort}`,
    '-state-dir',
    join(data, 'ferretdb'),
  ]);
  await waitForPort(mongoPort, 'FerretDB');
  mongoBase = `mongodb://127.0.0.1:${mongoPort}/`;
}

// Trace backend: Jaeger v2 with in-memory storage, built in the background the first time
// (deploy/local/engines/build.sh jaeger). The services export to its OTLP port from the start; until
// it is up their spans are dropped, and it starts as soon as its build is done.
let otlpEndpoint = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
let traceQuery;
if (!otlpEndpoint) {
  for (const [port, variable] of [
    [otlpPort, 'LGSP_OTLP_PORT'],
    [jaegerPort, 'LGSP_JAEGER_PORT'],
  ])
    if (!(await portIsFree(port)))
      throw new Error(`port ${port} is taken: set ${variable} or OTEL_EXPORTER_OTLP_ENDPOINT`);
  otlpEndpoint = `http://127.0.0.1:${otlpPort}`;
  traceQuery = `http://127.0.0.1:${jaegerPort}`;
}
const jaegerBinary = join(cache, 'bin', 'jaeger');
const jaegerBuildLog = join(cache, 'jaeger-build.log');
async function startJaeger() {
  run('jaeger', jaegerBinary, ['--config', join(root, 'deploy/local/engines/jaeger/config.yaml')], {
    LGSP_JAEGER_OTLP_ENDPOINT: `127.0.0.1:${otlpPort}`,
    LGSP_JAEGER_QUERY_ENDPOINT: `127.0.0.1:${jaegerPort}`,
    LGSP_JAEGER_MAX_TRACES: process.env.LGSP_JAEGER_MAX_TRACES ?? '100000',
  });
  await waitForPort(jaegerPort, 'jaeger');
}
let jaegerPending = false;
if (traceQuery) {
  if (existsSync(jaegerBinary)) await startJaeger();
  else {
    jaegerPending = true;
    // A no-op when toolchain.sh has started the build already.
    spawn('bash', [join(root, 'deploy/local/engines/build.sh'), 'jaeger', '--background'], {
      stdio: 'ignore',
    });
    const poll = setInterval(() => {
      if (stopping || !existsSync(jaegerBinary)) return;
      clearInterval(poll);
      startJaeger().then(
        () => {
          jaegerPending = false;
          say(`jaeger is built and up: traces from now on are at ${traceQuery}/api/traces?service=sharing`);
        },
        (error) => say(`jaeger did not start: ${error.message}`),
      );
    }, 5_000);
  }
}

// The local signing key: tokens from `npm run token` are accepted by every service.
const { localKeys } = await import('@openlgsp/auth');
const keys = await localKeys(join(data, 'keys'));

// Services: each its own database, its own port.
const services = readdirSync(join(root, 'services')).filter((s) =>
  existsSync(join(root, 'services', s, 'dist/src/main.js')),
);
const routes = new Map();
// What one service needs beyond the shared settings: opendata keeps uploaded files in $LGSP_DATA.
const serviceEnv = {
  // The console asks each service for its readiness and metrics on its own port (set below).
  audit: {
    // The flow view's span waterfall, from the local Jaeger's query API (when it runs).
    ...(traceQuery ? { LGSP_TRACE_QUERY_URL: traceQuery } : {}),
    // The console's replays go out as the `console` NATS user (deploy/nats/accounts.mjs).
    ...(natsPasswords ? { CONSOLE_NATS_USER: 'console', CONSOLE_NATS_PASSWORD: natsPasswords.console } : {}),
  },
  opendata: {
    STORAGE_DIR: join(data, 'opendata-files'),
    OPENDATA_PUBLIC_BASE_URL: `http://127.0.0.1:${gatewayPort}/opendata`,
  },
};
// Ports first: the console (audit) asks every service on its own port, not through the entry point.
let port = Number(process.env.LGSP_SERVICE_PORT_BASE ?? 8100);
for (const service of services) {
  while (!(await portIsFree(port))) port++;
  routes.set(service, port++);
}
serviceEnv.audit.LGSP_CONSOLE_SERVICES = services
  .map((s) => `${s}=http://127.0.0.1:${routes.get(s)}`)
  .join(',');
for (const service of services) {
  const url = new URL(mongoBase);
  url.pathname = `/lgsp_${service}`;
  run(service, ...serviceCommand(root, service), {
    PORT: String(routes.get(service)),
    HOST: '127.0.0.1',
    NATS_URL: natsUrl,
    // Each service as its own NATS user (with an external NATS_URL, NATS_USER/NATS_PASSWORD as given).
    ...(natsPasswords ? { NATS_USER: service, NATS_PASSWORD: natsPasswords[service] } : {}),
    MONGO_URL: url.toString(),
    AUTH_PUBLIC_KEY_FILE: keys.publicKeyPath,
    OTEL_SERVICE_NAME: service,
    OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint,
    ...serviceEnv[service],
  });
}
await Promise.all([...routes].map(([service, p]) => waitForPort(p, service)));

// PUBLIC's OPENDATA, the mirror external apps read with the `public` user, once the services made OPENDATA.
if (natsPasswords) {
  const { connect } = await import('@nats-io/transport-node');
  const { jetstreamManager } = await import('@nats-io/jetstream');
  const nc = await connect({ servers: natsUrl, user: 'feed-admin', pass: natsPasswords['feed-admin'] });
  try {
    await ensurePublicFeed(await jetstreamManager(nc));
  } finally {
    await nc.close();
  }
}

// One entry point: /<service>/… → that service (deploy/local/gateway.mjs).
gateway = createGateway(routes);
await new Promise((done, fail) => gateway.once('error', fail).listen(gatewayPort, '127.0.0.1', done));

say(`OpenLGSP is up at http://127.0.0.1:${gatewayPort}`);
for (const service of routes.keys())
  say(`  ${service}: http://127.0.0.1:${gatewayPort}/${service}/docs (API docs)`);
// Credentials in a given URL are never printed.
const shown = (url) => url.replace(/\/\/[^@/]+@/, '//***@');
say(`  NATS: ${shown(natsUrl)}   store: ${shown(mongoBase)}   data: ${data}`);
if (routes.has('audit'))
  say(`  operator console: http://127.0.0.1:${gatewayPort}/console/ (sign in with a DIC token)`);
if (natsPasswords)
  say(`  NATS users and passwords (agencies, public): ${join(data, 'nats', 'passwords.json')}`);
if (!traceQuery) say(`  traces: exported to ${shown(otlpEndpoint)}`);
else {
  say(
    `  traces: Jaeger's query API at ${traceQuery}/api/traces?service=sharing ` +
      `(one trace: /api/traces/{traceId}, or /api/v3/traces/{traceId})`,
  );
  if (jaegerPending)
    say(
      `  (jaeger is still being built, ~7 min the first time: log ${jaegerBuildLog}; ` +
        'traces are exported once it is up, and this says so)',
    );
}
say('  a token: npm run token -- --agency STTTT --roles dic');
say('  Ctrl-C stops everything');
