import { v7 as uuidv7 } from 'uuid';
import { injectTraceContext } from '@openlgsp/telemetry';

/**
 * A CloudEvents 1.0 event as OpenLGSP carries it: the required attributes, the optional ones we use,
 * and our extensions (`agency`, `actor`, and the distributed-tracing `traceparent`/`tracestate`).
 */
export interface LgspEvent<T = unknown> {
  id: string;
  specversion: '1.0';
  type: string;
  source: string;
  subject?: string;
  time: string;
  datacontenttype: 'application/json';
  dataschema?: string;
  agency?: string;
  actor?: string;
  traceparent?: string;
  tracestate?: string;
  data: T;
}

/** Attribute names this platform understands; anything else in an incoming event is refused. */
export const EVENT_ATTRIBUTES = [
  'id',
  'specversion',
  'type',
  'source',
  'subject',
  'time',
  'datacontenttype',
  'dataschema',
  'agency',
  'actor',
  'traceparent',
  'tracestate',
] as const;
export type EventAttribute = (typeof EVENT_ATTRIBUTES)[number];

export interface EventOrigin {
  /** `/openlgsp/<service>` for platform events, `/agencies/<code>/<system>` for integrators. */
  source: string;
  agency?: string;
  actor?: string;
}

export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

let installedClock: Clock | undefined;
/**
 * Installs the time source that apps created afterwards in this process resolve `CLOCK` to: an
 * in-process test passes deadlines with it instead of waiting days. `undefined` restores the system clock.
 */
export function installClock(clock: Clock | undefined): void {
  installedClock = clock;
}
export function currentClock(): Clock {
  return installedClock ?? clockFromEnv();
}

/**
 * The process's clock: the system's, or shifted by `LGSP_CLOCK_OFFSET_MS` (a signed integer) so that a
 * test can run real service processes a week ahead and watch their deadlines fire. The offset is
 * honoured only with `NODE_ENV=test`; set anywhere else it stops the start, since a platform whose
 * clock is off would date every fact wrongly.
 */
export function clockFromEnv(env: NodeJS.ProcessEnv = process.env): Clock {
  const raw = env.LGSP_CLOCK_OFFSET_MS;
  if (raw === undefined || raw === '') return systemClock;
  if (env.NODE_ENV !== 'test')
    throw new Error(
      `LGSP_CLOCK_OFFSET_MS is for tests only: it needs NODE_ENV=test, not '${env.NODE_ENV ?? ''}'`,
    );
  const offsetMs = Number(raw);
  if (!Number.isSafeInteger(offsetMs))
    throw new Error(`LGSP_CLOCK_OFFSET_MS must be an integer of ms, not '${raw}'`);
  return () => new Date(Date.now() + offsetMs);
}

/**
 * Creates an event in the active trace: the `traceparent` is captured now, at creation, so that an
 * event published later by the outbox relay still belongs to the request that caused it.
 */
export function createEvent<T>(
  type: string,
  data: T,
  origin: EventOrigin & { subject?: string; dataschema?: string },
  clock: Clock = systemClock,
): LgspEvent<T> {
  const trace: Record<string, string | undefined> = {};
  injectTraceContext(trace);
  return dropUndefined({
    id: uuidv7(),
    specversion: '1.0' as const,
    type,
    source: origin.source,
    subject: origin.subject,
    time: clock().toISOString(),
    datacontenttype: 'application/json' as const,
    dataschema: origin.dataschema,
    agency: origin.agency,
    actor: origin.actor,
    traceparent: trace.traceparent,
    tracestate: trace.tracestate,
    data,
  });
}

export function dropUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}
