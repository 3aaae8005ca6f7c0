import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before } from 'node:test';
import type { Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { DeliverPolicy, jetstream, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';
import { issueToken, localKeys, type LocalKeys, type Role } from '@openlgsp/auth';
import { fromNatsMessage, installClock, type Clock, type LgspEvent } from '@openlgsp/events';
import { findMessage, readMessages, startEngines, type Engines } from '@openlgsp/testing';
import { hostService, startTelemetry } from '@openlgsp/telemetry';

export interface HttpAnswer<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  /** Sent as is (for malformed JSON); wins over `body`. */
  rawBody?: string;
  headers?: Record<string, string>;
}

/** One service running in this process against real engines, as a test talks to it. */
export interface ServiceUnderTest {
  readonly url: string;
  readonly engines: Engines;
  readonly app: NestFastifyApplication;
  /** A connection of the test's own (the harness's fixtures user), to watch streams and publish intake events. */
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  token(agency: string, roles: Role[], sub?: string): Promise<string>;
  request<T = any>(method: string, path: string, options?: RequestOptions): Promise<HttpAnswer<T>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Closes the app and starts it again on the same engines and port (nothing held in memory survives). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface StartServiceOptions {
  service: string;
  /** Loaded after the environment is set, because the platform module reads it. */
  appModule: () => Promise<Type<unknown>>;
  engines?: Engines;
  env?: Record<string, string>;
  /** The service's `CLOCK` (e.g. a `manualClock()`), for time-driven behaviour; the system clock by default. */
  clock?: Clock;
}

/** A clock a test moves by hand. */
export interface ManualClock extends Clock {
  set(to: Date | string): void;
  advance(ms: number): void;
}

export function manualClock(start: Date | string = new Date()): ManualClock {
  let now = new Date(start).getTime();
  const clock = (() => new Date(now)) as ManualClock;
  clock.set = (to) => void (now = new Date(to).getTime());
  clock.advance = (ms) => void (now += ms);
  return clock;
}

export async function startService(options: StartServiceOptions): Promise<ServiceUnderTest> {
  const engines = options.engines ?? (await startEngines());
  const keysDir = mkdtempSync(join(tmpdir(), 'lgsp-keys-'));
  const keys: LocalKeys = await localKeys(keysDir);
  // The service connects as its own NATS user, as deployed (deploy/nats/accounts.mjs).
  const natsUser = engines.natsCredentials(options.service);
  Object.assign(process.env, {
    NATS_URL: engines.natsUrl,
    NATS_USER: natsUser.user,
    NATS_PASSWORD: natsUser.pass,
    MONGO_URL: engines.mongoUrl,
    AUTH_PUBLIC_KEY_FILE: keys.publicKeyPath,
    OUTBOX_SWEEP_MS: '200',
    // Every test calls from 127.0.0.1: the per-address limit is for the suites that test it.
    RATE_LIMIT_ANONYMOUS_PER_MINUTE: '1000000',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    ...options.env,
  });
  delete process.env.AUTH_JWKS_URL;
  delete process.env.AUTH_PUBLIC_KEY;
  // As in main.ts: tracing first, then the modules it instruments.
  await startTelemetry({ serviceName: options.service });
  const { createApp, startApp } = await import('../bootstrap.js');
  const module = await options.appModule();
  // Several services may share this process: its spans carry this service's name (hostService).
  const launch = (port: number) =>
    hostService(options.service, async () => {
      installClock(options.clock);
      const started = await createApp(options.service, module);
      installClock(undefined);
      await startApp(started, { port, host: '127.0.0.1' });
      return started;
    });
  let app = await launch(0);
  const port = (app.getHttpServer().address() as { port: number }).port;
  const url = `http://127.0.0.1:${port}`;
  const nc = await connect({ servers: engines.natsUrl });
  const js = jetstream(nc);

  const sut: ServiceUnderTest = {
    url,
    engines,
    get app() {
      return app;
    },
    nc,
    js,
    token: (agency, roles, sub = `${agency.toLowerCase()}-officer`) =>
      issueToken({ sub, agency, roles, ttl: '1h' }, keys.privateKey, {
        issuer: 'openlgsp-local',
        audience: 'openlgsp',
      }),
    async request(method, path, { token, body, rawBody, headers = {} } = {}) {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: {
          ...(body !== undefined || rawBody !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...headers,
        },
        ...(rawBody !== undefined
          ? { body: rawBody }
          : body !== undefined
            ? { body: JSON.stringify(body) }
            : {}),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, body: parsed as never, headers: response.headers };
    },
    async restart() {
      await app.close();
      app = await launch(port);
    },
    async stop() {
      await app.close().catch(() => undefined);
      await nc.close().catch(() => undefined);
      if (!options.engines) await engines.stop();
      rmSync(keysDir, { recursive: true, force: true });
    },
  };
  return sut;
}

/** The first event on `stream` matching `where`, decoded (see `findMessage` for the waiting). */
export async function findEvent<T = unknown>(
  js: JetStreamClient,
  stream: string,
  where: (event: LgspEvent<T>, subject: string) => boolean,
  waitMs = 15_000,
): Promise<LgspEvent<T> & { natsSubject: string }> {
  const decode = (m: JsMsg) => fromNatsMessage(m.headers, m.data) as LgspEvent<T>;
  const m = await findMessage(
    js,
    stream,
    (msg) => where(decode(msg), msg.subject),
    waitMs,
    (msg) => {
      const e = decode(msg);
      return `${msg.subject} ${e.type} ${e.subject ?? ''}`;
    },
  );
  return Object.assign(decode(m), { natsSubject: m.subject });
}

/** Every event now in a stream, decoded. */
export async function readStream(
  js: JetStreamClient,
  stream: string,
): Promise<(LgspEvent & { natsSubject: string })[]> {
  return (await readMessages(js, stream)).map((m) =>
    Object.assign(fromNatsMessage(m.headers, m.data), { natsSubject: m.subject }),
  );
}

/**
 * contracts/openapi/<service>.json is what integrators read: it must be what the service serves.
 * Returns both texts for the test to compare; `UPDATE_CONTRACTS=1` rewrites the file first.
 */
export async function publishedOpenApi(
  sut: ServiceUnderTest,
  service: string,
): Promise<{ served: string; published: string; file: string }> {
  let dir = process.cwd();
  while (!existsSync(join(dir, 'contracts', 'openapi'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('contracts/openapi not found above the working directory');
    dir = up;
  }
  const file = join(dir, 'contracts', 'openapi', `${service}.json`);
  const answer = await sut.request('GET', `/${service}/openapi.json`);
  if (answer.status !== 200) throw new Error(`/${service}/openapi.json answered ${answer.status}`);
  const served = `${JSON.stringify(answer.body, null, 2)}\n`;
  if (process.env.UPDATE_CONTRACTS === '1') writeFileSync(file, served);
  return { served, published: existsSync(file) ? readFileSync(file, 'utf8') : '', file };
}

/** Every event a stream receives from now on, decoded as it arrives (one ordered consumer). */
export interface StreamWatch {
  readonly events: (LgspEvent & { natsSubject: string })[];
  /** The first event from index `from` on matching `where`, waiting up to `waitMs` (a bound, not a timing assertion). */
  next(
    where: (e: LgspEvent) => boolean,
    from?: number,
    waitMs?: number,
  ): Promise<LgspEvent & { natsSubject: string }>;
  stop(): Promise<void>;
}

export async function watchStream(js: JetStreamClient, stream: string): Promise<StreamWatch> {
  const consumer = await js.consumers.get(stream, { deliver_policy: DeliverPolicy.New });
  const messages = await consumer.consume();
  const events: (LgspEvent & { natsSubject: string })[] = [];
  void (async () => {
    for await (const m of messages)
      events.push(Object.assign(fromNatsMessage(m.headers, m.data), { natsSubject: m.subject }));
  })();
  return {
    events,
    async next(where, from = 0, waitMs = 15_000) {
      const deadline = Date.now() + waitMs;
      for (;;) {
        const found = events.slice(from).find(where);
        if (found) return found;
        if (Date.now() > deadline)
          throw new Error(
            `no matching event on ${stream} within ${waitMs} ms; saw since:\n  ${
              events
                .slice(from)
                .map((e) => `${e.type} ${e.subject ?? ''}`)
                .join('\n  ') || '(nothing)'
            }`,
          );
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async stop() {
      await messages.close();
    },
  };
}

/** Who a suite's token is for: the agency, its roles, and the user (`<agency>-officer` by default). */
export type TokenHolder = readonly [agency: string, roles: Role[], sub?: string];

/** The service of one integration test file, its tokens and its watched stream, ready once `before` has run. */
export interface ServiceSuite<Name extends string> {
  readonly sut: ServiceUnderTest;
  readonly tokens: Readonly<Record<Name, string>>;
  /** The stream named by `watch`, watched from before the first test. */
  readonly watch: StreamWatch;
}

/**
 * Registers the `before` that starts the service (`start`, which starts its engines), issues the
 * tokens, watches the stream and runs `ready`, and the `after` that stops them and runs `cleanup`. The returned `sut` and `watch`
 * stand for what `before` started, so that a file can name them at its top; using them earlier fails.
 */
export function serviceSuite<Name extends string = never>(
  start: () => Promise<ServiceUnderTest>,
  options: {
    tokens?: Record<Name, TokenHolder>;
    watch?: string;
    /** The file's own setup, once the service is up (in the same hook: top-level hooks run at once). */
    ready?: () => Promise<void>;
    /** The file's own teardown, once the service has stopped. */
    cleanup?: () => unknown;
  } = {},
): ServiceSuite<Name> {
  let sut: ServiceUnderTest | undefined;
  let watch: StreamWatch | undefined;
  const tokens = {} as Record<Name, string>;
  before(async () => {
    sut = await start();
    for (const [name, [agency, roles, sub]] of Object.entries(options.tokens ?? {}) as [Name, TokenHolder][])
      tokens[name] = await sut.token(agency, roles, sub);
    if (options.watch) watch = await watchStream(sut.js, options.watch);
    await options.ready?.();
  });
  after(async () => {
    await watch?.stop();
    await sut?.stop();
    await options.cleanup?.();
  });
  return {
    sut: startedLater('the service', () => sut),
    tokens,
    watch: startedLater(`the watch of ${options.watch ?? '(no stream: pass `watch`)'}`, () => watch),
  };
}

/** Stands for the object `get` returns once the suite's `before` has made it. */
function startedLater<T extends object>(what: string, get: () => T | undefined): T {
  return new Proxy({} as T, {
    get(_, key) {
      const target = get();
      if (!target) throw new Error(`${what} is not started yet: use it in a test or in a later hook`);
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * Waits until `probe` gives a value: events reach a read model a moment after they are published.
 * `ms` bounds the wait (a loaded machine is slow, not wrong); past it, it throws naming `what`.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  ms = 60_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
