import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { setTimeout as delay } from 'node:timers/promises';
import { engineBinDir, findBinary } from './binaries.js';
import { freePort } from './ports.js';
import { ChildEngine, makeTempDir, startOrDispose, type EngineProcess } from './process.js';

/** A Jaeger v2 of a test suite: OTLP/HTTP in, spans in memory, the query API out. */
export interface TraceBackend {
  /** http://127.0.0.1:PORT — what OTEL_EXPORTER_OTLP_ENDPOINT takes (spans go to `/v1/traces`). */
  readonly otlpEndpoint: string;
  /** http://127.0.0.1:PORT — Jaeger's query API (`/api/traces/{id}`, `/api/v3/traces/{id}`). */
  readonly queryUrl: string;
  readonly engine: EngineProcess;
  stop(): Promise<void>;
}

/** The repository's deploy/local/engines, found above this module (libs/testing/dist/src). */
function enginesDir(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const engines = join(dir, 'deploy', 'local', 'engines');
    if (existsSync(join(engines, 'build.sh'))) return engines;
    if (dirname(dir) === dir) throw new Error('deploy/local/engines not found above @openlgsp/testing');
  }
}

/**
 * The jaeger binary of the engine cache. When it is missing, builds it (deploy/local/engines/build.sh
 * jaeger: minutes the first time; it waits for a build already under way, under the same lock).
 */
async function jaegerBinary(engines: string): Promise<string> {
  const found = findBinary('jaeger');
  if (found) return found;
  try {
    await promisify(execFile)('bash', [join(engines, 'build.sh'), 'jaeger'], {
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    const { stderr } = error as { stderr?: string };
    throw new Error(`building jaeger into ${engineBinDir()} failed:\n${stderr ?? String(error)}`);
  }
  const built = findBinary('jaeger');
  if (!built) throw new Error(`deploy/local/engines/build.sh jaeger left no jaeger in ${engineBinDir()}`);
  return built;
}

/** Ready means: the query API answers and the OTLP receiver accepts a (empty) batch. */
async function probeJaeger(queryUrl: string, otlpEndpoint: string): Promise<void> {
  const services = await fetch(`${queryUrl}/api/services`, { signal: AbortSignal.timeout(1_000) });
  await services.body?.cancel();
  if (!services.ok) throw new Error(`/api/services answered ${services.status}`);
  const otlp = await fetch(`${otlpEndpoint}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"resourceSpans":[]}',
    signal: AbortSignal.timeout(1_000),
  });
  await otlp.body?.cancel();
  if (!otlp.ok) throw new Error(`OTLP /v1/traces answered ${otlp.status}`);
}

/**
 * Starts Jaeger v2 (deploy/local/engines/jaeger/config.yaml: OTLP/HTTP receiver, in-memory storage,
 * query API) on free ports of 127.0.0.1, building the binary first if the cache lacks it.
 */
export async function startJaeger(): Promise<TraceBackend> {
  const engines = enginesDir();
  const command = await jaegerBinary(engines);
  const tempDir = makeTempDir('jaeger');
  const [otlpPort, queryPort] = [await freePort(), await freePort()];
  const otlpEndpoint = `http://127.0.0.1:${otlpPort}`;
  const queryUrl = `http://127.0.0.1:${queryPort}`;
  const engine = await startOrDispose(
    new ChildEngine({
      engine: 'jaeger',
      command,
      args: ['--config', join(engines, 'jaeger', 'config.yaml')],
      env: {
        LGSP_JAEGER_OTLP_ENDPOINT: `127.0.0.1:${otlpPort}`,
        LGSP_JAEGER_QUERY_ENDPOINT: `127.0.0.1:${queryPort}`,
        LGSP_JAEGER_MAX_TRACES: '10000',
      },
      url: queryUrl,
      dir: tempDir,
      tempDir,
      probe: () => probeJaeger(queryUrl, otlpEndpoint),
    }),
    tempDir,
  );
  return { otlpEndpoint, queryUrl, engine, stop: () => engine.dispose() };
}

/** One span of a trace as the query API gives it, with the name of the service that sent it. */
export interface TraceSpan {
  spanId: string;
  /** The span it is a child of (CHILD_OF or FOLLOWS_FROM reference), if any. */
  parentSpanId: string | undefined;
  name: string;
  /** `service.name` of the span's resource. */
  service: string;
  /** client, server, producer, consumer or internal. */
  kind: string;
  attributes: Record<string, unknown>;
}

interface JaegerTrace {
  traceID: string;
  spans: {
    spanID: string;
    operationName: string;
    processID: string;
    references?: { refType: string; spanID: string }[];
    tags?: { key: string; value: unknown }[];
  }[];
  processes: Record<string, { serviceName: string }>;
}

/** The spans of a trace now in the backend (none when it has not seen the trace). */
export async function readTrace(queryUrl: string, traceId: string): Promise<TraceSpan[]> {
  const answer = await fetch(`${queryUrl}/api/traces/${traceId}`, { signal: AbortSignal.timeout(5_000) });
  if (answer.status === 404) {
    await answer.body?.cancel();
    return [];
  }
  if (!answer.ok) throw new Error(`${queryUrl}/api/traces/${traceId} answered ${answer.status}`);
  const { data } = (await answer.json()) as { data: JaegerTrace[] };
  return data.flatMap((t) =>
    t.spans.map((s) => {
      const attributes = Object.fromEntries((s.tags ?? []).map((t) => [t.key, t.value]));
      return {
        spanId: s.spanID,
        parentSpanId: s.references?.[0]?.spanID,
        name: s.operationName,
        service: t.processes[s.processID]?.serviceName ?? '',
        kind: typeof attributes['span.kind'] === 'string' ? attributes['span.kind'] : 'internal',
        attributes,
      };
    }),
  );
}

/**
 * Polls the backend until the trace's spans satisfy `until` (spans are exported in batches, so they
 * arrive over a while), up to `waitMs` — a bound, not a timing assertion. Throws with what it saw.
 */
export async function waitForTrace(
  queryUrl: string,
  traceId: string,
  until: (spans: TraceSpan[]) => boolean,
  waitMs = 30_000,
): Promise<TraceSpan[]> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const spans = await readTrace(queryUrl, traceId);
    if (until(spans)) return spans;
    if (Date.now() > deadline)
      throw new Error(
        `trace ${traceId} in ${queryUrl} did not get the spans expected within ${waitMs} ms; it has:\n  ` +
          (spans.map((s) => `${s.service}: ${s.name} (${s.kind})`).join('\n  ') || '(nothing)'),
      );
    await delay(200);
  }
}
