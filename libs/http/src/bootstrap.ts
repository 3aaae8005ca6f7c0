import { ModuleRef, NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { Type } from '@nestjs/common';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { JetStreamServer } from '@openlgsp/events';
import type { Principal } from '@openlgsp/auth';
import helmet from '@fastify/helmet';
import { normaliseText } from '@openlgsp/contracts';
import { NestPinoLogger, createLogger, nameHttpServerSpan } from '@openlgsp/telemetry';
import { AccessReporter, captureTrace, isAuditedCall } from './access.js';
import { drainUnreadBody } from './body-limit.js';
import { collectProcessMetrics, httpDuration } from './metrics.js';
import { problem } from './problem.js';
import { sendProblem } from './problem.filter.js';
import { BODY_DOTTED_KEYS, unsafeBodyKeys, validationPipe } from './validation.js';

export interface HttpOptions {
  /** Largest accepted body in bytes (HTTP_BODY_LIMIT, default 256 KiB). */
  bodyLimit?: number;
  /** Origins allowed by CORS (CORS_ORIGINS, comma separated; none by default). */
  corsOrigins?: string[];
}

export function httpOptionsFromEnv(env = process.env): HttpOptions {
  return {
    bodyLimit: Number(env.HTTP_BODY_LIMIT ?? 256 * 1024),
    corsOrigins: (env.CORS_ORIGINS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  };
}

/**
 * Builds a service's HTTP application the one way every service shares: Fastify with helmet, a CORS
 * allow-list, body limits, validation, problem+json errors, OpenAPI at /<service>/docs, and
 * everything under /<service>/ so one entry point can route by prefix.
 */
export async function createApp(
  service: string,
  appModule: Type<unknown>,
  options: HttpOptions = httpOptionsFromEnv(),
): Promise<NestFastifyApplication> {
  collectProcessMetrics();
  const trustedProxyHops = Number(process.env.HTTP_TRUSTED_PROXY_HOPS ?? 1);
  const logger = createLogger(service);
  const adapter = new FastifyAdapter({
    bodyLimit: options.bodyLimit ?? 256 * 1024,
    // One trusted hop: the entry point (gateway, ingress) appends the caller's address, so the
    // right-most X-Forwarded-For entry is the caller's; what a caller writes to its left is not believed.
    trustProxy: (_address: string, hop: number) => hop < trustedProxyHops,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
  });
  const app = await NestFactory.create<NestFastifyApplication>(appModule, adapter, {
    logger: new NestPinoLogger(logger),
    bufferLogs: true,
    // Errors while building the app are thrown to the caller (main.ts exits on them), not exit(1)
    // from inside Nest: a lookup of an optional provider must be able to fail quietly.
    abortOnError: false,
  });
  const fastify = app.getHttpAdapter().getInstance();

  // Structured-mode CloudEvents are JSON too.
  fastify.addContentTypeParser(
    'application/cloudevents+json',
    { parseAs: 'string' },
    fastify.getDefaultJsonParser('error', 'error'),
  );

  // Operators' endpoints (metrics, detailed readiness) are for probes and scrapers on the service's
  // own port. Every entry point (local gateway, compose nginx, k8s ingress) adds X-Forwarded-For, and a
  // caller cannot take it off, so a forwarded request for them is answered as if they did not exist.
  const operatorsOnly = new RegExp(`^/${service}/(metrics|health/ready)(/|\\?|$)`);
  if (process.env.OPS_ENDPOINTS_VIA_PROXY !== 'allow')
    fastify.addHook('onRequest', async (request, reply) => {
      if (request.headers['x-forwarded-for'] === undefined || !operatorsOnly.test(request.url)) return;
      sendProblem(
        reply,
        request,
        problem(404, 'Metrics and readiness are served on the service port, not through the entry point.', {
          code: 'not-public',
        }),
      );
      return reply;
    });

  const access = accessReporter(app);
  fastify.addHook('onRequest', async (request) => {
    nameHttpServerSpan(request.method, request.routeOptions.url);
    if (access) (request as { lgspTrace?: object }).lgspTrace = captureTrace();
  });
  // `$` operators, dotted keys, prototype keys and absurd nesting never reach a use case or the store.
  fastify.addHook('preValidation', async (request, reply) => {
    const config = request.routeOptions.config as { [BODY_DOTTED_KEYS]?: readonly string[] } | undefined;
    const errors = unsafeBodyKeys(request.body, config?.[BODY_DOTTED_KEYS]);
    if (errors.length)
      return sendProblem(
        reply,
        request,
        problem(400, 'The body contains field names or nesting that are not allowed.', {
          code: 'unsafe-body',
          errors,
        }),
      );
  });
  // Text in one Unicode form (NFC) from here on: bodies (commands and intake CloudEvents), query
  // strings and path parameters, so rules, search, uniqueness and signatures never see two spellings.
  fastify.addHook('preValidation', async (request) => {
    request.body = normaliseText(request.body);
    normaliseInPlace(request.query);
    normaliseInPlace(request.params);
  });
  // A refusal sent before the body was read (413 above all) waits for the rest of the body, so the
  // caller and the gateway hear the problem, not a reset.
  fastify.addHook('onSend', async (request, reply) => {
    if (reply.statusCode >= 400) await drainUnreadBody(request.raw);
  });
  fastify.addHook('onResponse', async (request, reply) => {
    httpDuration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
    // Reported after the answer left, so the audit trail never slows or fails a call.
    if (access && isAuditedCall(request.method, reply.statusCode))
      access.report({
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        params: (request.params ?? {}) as Record<string, unknown>,
        status: reply.statusCode,
        principal: (request as { principal?: Principal }).principal,
        trace: (request as { lgspTrace?: { traceparent?: string } }).lgspTrace ?? {},
        durationMs: reply.elapsedTime,
        at: new Date(),
        address: request.ip,
      });
  });

  await app.register(helmet, {
    // Swagger UI needs its inline bootstrap script; everything else keeps helmet's defaults.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
      },
    },
  });
  app.enableCors({ origin: options.corsOrigins?.length ? options.corsOrigins : false });
  app.setGlobalPrefix(service);
  app.useGlobalPipes(validationPipe());
  app.enableShutdownHooks();

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(`OpenLGSP ${service}`)
      .setDescription(`The ${service} service of OpenLGSP. Errors are RFC 9457 problem+json.`)
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Api-Key' }, 'api-key')
      .addSecurityRequirements('bearer')
      .build(),
  );
  SwaggerModule.setup(`${service}/docs`, app, document, {
    jsonDocumentUrl: `${service}/openapi.json`,
    useGlobalPrefix: false,
  });
  // The service's JetStream consumers, as a Nest transport with the app's pipes, guards and filters.
  // Last, because it binds the @EventPattern handlers to the global enhancers registered above.
  // A bare HTTP module (a library's own test) has no events module, hence no transport to connect.
  const transport = eventTransportOf(app);
  if (transport)
    app.connectMicroservice<MicroserviceOptions>({ strategy: transport }, { inheritAppConfig: true });
  return app;
}

/**
 * Starts what `createApp` built: the app (streams ensured, relay running), then its consumers, then
 * the HTTP listener. A handled event type outside every consumer's filters fails here.
 */
export async function startApp(
  app: NestFastifyApplication,
  listen: { port: number; host: string },
): Promise<void> {
  await app.init();
  await app.startAllMicroservices();
  await app.listen(listen);
}

function eventTransportOf(app: NestFastifyApplication): JetStreamServer | undefined {
  // Through ModuleRef: the app's own get() logs the miss as an error (and flushes the buffered logs).
  try {
    return app.get(ModuleRef).get(JetStreamServer, { strict: false });
  } catch {
    return undefined;
  }
}

/** Fastify hands query and params objects on by reference: normalise their values where they are. */
function normaliseInPlace(values: unknown): void {
  if (!values || typeof values !== 'object') return;
  const record = values as Record<string, unknown>;
  for (const [key, value] of Object.entries(record)) record[key] = normaliseText(value);
}

/** The app's access reporter, unless AUDIT_ACCESS_EVENTS=off or the app has none (a bare test module). */
function accessReporter(app: NestFastifyApplication): AccessReporter | undefined {
  if (process.env.AUDIT_ACCESS_EVENTS === 'off') return undefined;
  try {
    return app.get(ModuleRef).get(AccessReporter, { strict: false });
  } catch {
    return undefined;
  }
}

/** main.ts calls this after startTelemetry: build, listen on PORT, log where. */
export async function bootstrap(service: string, appModule: Type<unknown>): Promise<NestFastifyApplication> {
  const app = await createApp(service, appModule);
  const port = Number(process.env.PORT ?? 3000);
  await startApp(app, { port, host: process.env.HOST ?? '0.0.0.0' });
  createLogger(service).info({ port }, `${service} listening; API docs at /${service}/docs`);
  return app;
}
