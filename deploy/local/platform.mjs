// The local platform: engines (unless NATS_URL / MONGO_URL name existing servers), every service that
// exists under services/, and one HTTP entry point that routes /<service>/ to it. Data stays in
// $LGSP_DATA across restarts; Ctrl-C stops everything.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, createWriteStream } from 'node:fs';
import net from 'node:net';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createGateway } from './gateway.mjs';

const root = resolve(import.meta.dirname, '../..');
const data = process.env.LGSP_DATA ?? join(root, '.lgsp');
const cache = process.env.LGSP_CACHE ?? join(process.env.HOME ?? '/tmp', '.cache/openlgsp');
const gatewayPort = Number(process.env.LGSP_PORT ?? 8080);
const natsPort = Number(process.env.LGSP_NATS_PORT ?? 4250);
const mongoPort = Number(process.env.LGSP_MONGO_PORT ?? 27050);
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
let natsUrl = process.env.NATS_URL;
if (!natsUrl) {
  if (!(await portIsFree(natsPort)))
    throw new Error(`port ${natsPort} is taken: set LGSP_NATS_PORT or NATS_URL`);
  run('nats', binary('nats-server'), [
    '-a',
    '127.0.0.1',
    '-p',
    String(natsPort),
    '-js',
    '-sd',
    join(data, 'nats'),
  ]);
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
  opendata: {
    STORAGE_DIR: join(data, 'opendata-files'),
    OPENDATA_PUBLIC_BASE_URL: `http://127.0.0.1:${gatewayPort}/opendata`,
  },
};
let port = Number(process.env.LGSP_SERVICE_PORT_BASE ?? 8100);
for (const service of services) {
  while (!(await portIsFree(port))) port++;
  const url = new URL(mongoBase);
  url.pathname = `/lgsp_${service}`;
  run(service, process.execPath, [join(root, 'services', service, 'dist/src/main.js')], {
    PORT: String(port),
    HOST: '127.0.0.1',
    NATS_URL: natsUrl,
    MONGO_URL: url.toString(),
    AUTH_PUBLIC_KEY_FILE: keys.publicKeyPath,
    OTEL_SERVICE_NAME: service,
    ...serviceEnv[service],
  });
  routes.set(service, port);
  port++;
}
await Promise.all([...routes].map(([service, p]) => waitForPort(p, service)));

// One entry point: /<service>/… → that service (deploy/local/gateway.mjs).
gateway = createGateway(routes);
await new Promise((done, fail) => gateway.once('error', fail).listen(gatewayPort, '127.0.0.1', done));

say(`OpenLGSP is up at http://127.0.0.1:${gatewayPort}`);
for (const service of routes.keys())
  say(`  ${service}: http://127.0.0.1:${gatewayPort}/${service}/docs (API docs)`);
// Credentials in a given URL are never printed.
const shown = (url) => url.replace(/\/\/[^@/]+@/, '//***@');
say(`  NATS: ${shown(natsUrl)}   store: ${shown(mongoBase)}   data: ${data}`);
say('  a token: npm run token -- --agency STTTT --roles dic');
say('  Ctrl-C stops everything');
