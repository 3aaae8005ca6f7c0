import { AsyncLocalStorage } from 'node:async_hooks';
import { readFileSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { dirname, join } from 'node:path';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { MongoDBInstrumentation } from '@opentelemetry/instrumentation-mongodb';
import {
  type Resource,
  defaultResource,
  detectResources,
  hostDetector,
  resourceAttributesEnvDetector,
  resourceFromAttributes,
  serviceInstanceIdDetector,
  serviceNameEnvDetector,
} from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  TracerProvider,
  type ReadableSpan,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { mongoDbInstrumentationConfig, mongoDbSpanNames } from './mongodb.js';
import { ATTR_DEPLOYMENT_ENVIRONMENT_NAME } from './semconv.js';

export interface TelemetryOptions {
  /** `service.name`; `OTEL_SERVICE_NAME` overrides it. */
  serviceName: string;
  /** `service.version`; defaults to the version in the package.json nearest the entry script. */
  serviceVersion?: string;
  /** `deployment.environment.name`; defaults to `NODE_ENV`. */
  env?: string;
}

export interface TelemetryHandle {
  /** Whether spans are exported over OTLP (`OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT` set). */
  readonly exporting: boolean;
  /** Exports the spans ended so far. */
  forceFlush(): Promise<void>;
  /** Flushes, stops the instrumentations and unregisters the global tracer provider. */
  shutdown(): Promise<void>;
}

/** Paths whose incoming requests are not traced (probes and scrapes). */
// Probes and scrapes, at the root or under a service's prefix (`/catalogue/health/live`).
const UNTRACED_PATHS = /^\/([^/?]+\/)?(health(\/|$|\?)|metrics($|\?))/;

/** Processors attached after start (tests): the SDK 3 provider takes processors only in its constructor. */
const lateProcessors: SpanProcessor[] = [];
const lateProcessor: SpanProcessor = {
  onStart: (span, parent) => lateProcessors.forEach((p) => p.onStart(span, parent)),
  onEnd: (span) => lateProcessors.forEach((p) => p.onEnd(span)),
  forceFlush: async () => void (await Promise.all(lateProcessors.map((p) => p.forceFlush()))),
  shutdown: async () => void lateProcessors.splice(0),
};

let active: TelemetryHandle | undefined;

/**
 * Several services in one process (the e2e suite runs them so): the service whose code is running.
 * An AsyncLocalStorage of its own, not the OpenTelemetry context, which a new trace replaces: what a
 * service starts inside hostService() — its HTTP server, consumers, timers, database connection —
 * runs there for good.
 */
const hostedService = new AsyncLocalStorage<string>();
/** The hosted service that started each span (only spans started inside hostService()). */
const startedBy = new WeakMap<object, string>();
const hostedServiceMarker: SpanProcessor = {
  onStart: (span) => {
    const service = hostedService.getStore();
    if (service !== undefined) startedBy.set(span, service);
  },
  onEnd: () => {},
  forceFlush: async () => {},
  shutdown: async () => {},
};

/**
 * Runs `fn` as service `serviceName` of this process: spans started by anything `fn` sets up are
 * exported under that `service.name` rather than the process's, as if the service ran on its own.
 * For tests that host several services in one process; a service's own process needs none of this.
 */
export function hostService<T>(serviceName: string, fn: () => T): T {
  return hostedService.run(serviceName, fn);
}

/** Exports each span hosted by a service under that service's resource (see hostService()). */
function hostedServiceExporter(exporter: SpanExporter, resource: Resource): SpanExporter {
  // One resource object per service: the OTLP encoder groups spans by resource identity.
  const resources = new Map<string, Resource>();
  const resourceOf = (service: string): Resource => {
    let found = resources.get(service);
    if (!found) {
      found = resource.merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: service }));
      resources.set(service, found);
    }
    return found;
  };
  return {
    export(spans, done) {
      exporter.export(
        spans.map((span) => {
          const service = startedBy.get(span);
          // The span as is, but for its resource (ReadableSpan's fields are read through the prototype).
          return service === undefined
            ? span
            : (Object.create(span, { resource: { value: resourceOf(service) } }) as ReadableSpan);
        }),
        done,
      );
    },
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
  };
}

/**
 * Starts tracing for this process. Call it once, first thing in `main.ts`, and only then load the
 * application, because instrumentation patches `http` and `mongodb` when they are first required:
 *
 *     const telemetry = await startTelemetry({ serviceName: 'catalogue' });
 *     const { AppModule } = await import('./app.module.js'); // not a static import
 *
 * Registers the W3C trace-context (and baggage) propagator, an AsyncLocalStorage context manager,
 * HTTP instrumentation (incoming and outgoing `node:http`/`https`; `/health/*` and `/metrics` are
 * not traced) and MongoDB driver instrumentation (spans only inside a traced request or message).
 * Spans are exported over OTLP/HTTP when `OTEL_EXPORTER_OTLP_ENDPOINT` (or `…_TRACES_ENDPOINT`) is
 * set; otherwise spans are still created, so trace ids reach logs and events, but go nowhere.
 * A second call returns the running handle (its options are ignored).
 */
export async function startTelemetry(options: TelemetryOptions): Promise<TelemetryHandle> {
  active ??= start(options);
  return active;
}

function start({
  serviceName,
  serviceVersion = process.argv[1] ? packageVersionOf(process.argv[1]) : undefined,
  env = process.env.NODE_ENV,
}: TelemetryOptions): TelemetryHandle {
  const resource = defaultResource()
    .merge(
      resourceFromAttributes(
        definedOnly({
          [ATTR_SERVICE_NAME]: serviceName,
          [ATTR_SERVICE_VERSION]: serviceVersion,
          [ATTR_DEPLOYMENT_ENVIRONMENT_NAME]: env,
        }),
      ),
    )
    // service.instance.id: a random UUID per process (serviceInstanceIdDetector), as the resource
    // conventions recommend when nothing better names the instance. Later detectors win: OTEL_SERVICE_NAME beats service.name in OTEL_RESOURCE_ATTRIBUTES,
    // and both beat the options.
    .merge(
      detectResources({
        detectors: [
          hostDetector,
          serviceInstanceIdDetector,
          resourceAttributesEnvDetector,
          serviceNameEnvDetector,
        ],
      }),
    );

  const exporting = Boolean(
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
  );
  const spanProcessors: SpanProcessor[] = [hostedServiceMarker, mongoDbSpanNames, lateProcessor];
  // The exporter reads the endpoint, headers, timeout and compression from OTEL_EXPORTER_OTLP_*.
  if (exporting)
    spanProcessors.push(
      new BatchSpanProcessor({ exporter: hostedServiceExporter(new OTLPTraceExporter(), resource) }),
    );

  // SDK 3 has no NodeTracerProvider.register(): the globals are set one by one.
  const provider = new TracerProvider({ resource, spanProcessors });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(
    new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  );
  trace.setGlobalTracerProvider(provider);

  const unregister = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.test(request.url ?? ''),
      }),
      new MongoDBInstrumentation(mongoDbInstrumentationConfig),
    ],
  });
  patchBuiltinHttp();

  let stopped = false;
  return {
    exporting,
    forceFlush: () => provider.forceFlush(),
    async shutdown() {
      if (stopped) return;
      stopped = true;
      active = undefined;
      unregister();
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}

/**
 * The `version` of the package.json nearest `file` (the service's, for its `dist/src/main.js`),
 * or undefined when there is none.
 */
export function packageVersionOf(file: string): string | undefined {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    try {
      const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        version?: unknown;
      };
      return typeof version === 'string' ? version : undefined;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return undefined;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

function definedOnly(attributes: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(attributes).filter((entry): entry is [string, string] => !!entry[1]),
  );
}

/**
 * The instrumentations hook `require`; an ESM `import 'node:http'` does not go through it, so
 * nothing would patch `http` in an ESM program that never `require`s it (without the
 * import-in-the-middle loader). Requiring the built-ins here applies the patch to the shared module
 * objects (`Server.prototype.emit`, `http.request`), and syncBuiltinESMExports() updates the named
 * ESM exports (`import { request } from 'node:http'`) to the patched functions.
 */
function patchBuiltinHttp(): void {
  const require = createRequire(import.meta.url);
  require('node:http');
  require('node:https');
  syncBuiltinESMExports();
}

export interface SpanRecorder {
  /** Spans ended since the recorder was attached or last reset, in end order. */
  spans(): ReadableSpan[];
  reset(): void;
}

/** Tests: records every span that ends from now on. Call startTelemetry() first. */
export function recordSpansForTests(): SpanRecorder {
  if (active === undefined) throw new Error('recordSpansForTests(): call startTelemetry() first');
  let finished: ReadableSpan[] = [];
  lateProcessors.push({
    onStart: () => {},
    onEnd: (span) => void finished.push(span),
    forceFlush: async () => {},
    shutdown: async () => {},
  });
  return { spans: () => [...finished], reset: () => void (finished = []) };
}
