import type { JetStreamManager, StreamConfig } from '@nats-io/jetstream';
import { RetentionPolicy, StorageType, DiscardPolicy } from '@nats-io/jetstream';
import { contractFor, isEventType } from '@openlgsp/contracts';
import type { LgspEvent } from './envelope.js';

const DAY_NS = 24 * 60 * 60 * 1_000_000_000;
const ns = (days: number) => days * DAY_NS;

/** How long JetStream remembers a `Nats-Msg-Id`: longer than the outbox sweeper's worst-case delay. */
export const DUPLICATE_WINDOW_NS = 60 * 60 * 1_000_000_000;
/** The shortest duplicate window nats-server accepts (100 ms). */
export const MIN_DUPLICATE_WINDOW_NS = 100_000_000;

/**
 * The one definition of OpenLGSP's streams. Limits-based retention (never work-queue): the audit
 * service reads every stream beside the owning service's consumers, and the open-data feed is replayable.
 */
export const STREAMS = {
  CATALOGUE: { subjects: ['lgsp.catalogue.>'], maxAgeDays: 3650 },
  SHARING: { subjects: ['lgsp.sharing.>'], maxAgeDays: 3650 },
  OPENDATA: { subjects: ['lgsp.opendata.>'], maxAgeDays: 3650 },
  AUDIT: { subjects: ['lgsp.audit.>'], maxAgeDays: 3650 },
  INCIDENTS: { subjects: ['lgsp.incidents.>'], maxAgeDays: 3650 },
  // JetStream's duplicate window is per stream and every agency writes here: a `Nats-Msg-Id` is
  // remembered only as briefly as the server allows (msgIdFor, README "Integrating").
  INTAKE: { subjects: ['lgsp.intake.>'], maxAgeDays: 90, duplicateWindowNs: MIN_DUPLICATE_WINDOW_NS },
  REJECTED: { subjects: ['lgsp.rejected.>'], maxAgeDays: 90 },
  DLQ: { subjects: ['lgsp.dlq.>'], maxAgeDays: 365 },
} as const satisfies Record<
  string,
  { subjects: readonly string[]; maxAgeDays: number; duplicateWindowNs?: number }
>;
export type StreamName = keyof typeof STREAMS;

/**
 * Consumers a stream may hold, all services' durables and ordered readers together: a bound, so no
 * client can exhaust the server by creating consumers. OPENDATA carries the change feed's replays
 * and webhook subscriptions (issue 10), hence more.
 */
export const MAX_CONSUMERS: Record<StreamName, number> = {
  CATALOGUE: 1_000,
  SHARING: 1_000,
  OPENDATA: 4_000,
  AUDIT: 1_000,
  INCIDENTS: 1_000,
  INTAKE: 1_000,
  REJECTED: 1_000,
  DLQ: 1_000,
};

/**
 * A durable consumer of a service, declared by the service beside the handlers it feeds. Every event
 * type the service handles must fall inside the filters of exactly one of its consumers.
 */
export interface ConsumerSpec {
  /** Durable name, `<service>-<purpose>`. */
  durable: string;
  stream: StreamName;
  filterSubjects: string[];
  /** Intake refuses unknown types (the integrator hears why); domain feeds skip what they don't need. */
  unhandled: 'reject' | 'skip';
  /** Deliveries before dead-lettering, and the waits between them. */
  maxDeliver?: number;
  backoffMs?: number[];
  /**
   * Events handled at once by one instance (default `DEFAULT_CONCURRENCY`); those of one aggregate
   * (CloudEvents `subject`, else the NATS subject) one after another, in stream order.
   */
  concurrency?: number;
  /**
   * What must be handled in order, when it is not the event's subject: e.g. the incident alerts could
   * meet in. `undefined` (or an event that does not parse) falls back to the subject.
   */
  orderBy?: (event: LgspEvent) => string | undefined;
}

export const DEFAULT_BACKOFF_MS = [1_000, 5_000, 30_000, 120_000];
/** Enough to keep the store busy; bounded so a burst cannot hold the whole stream unacknowledged. */
export const DEFAULT_CONCURRENCY = 16;

/** A service's integrator intake: every `lgsp.intake.<agency>.<context>.…`, refusing what it does not handle. */
export function intakeConsumer(
  context: string,
  options: Pick<ConsumerSpec, 'concurrency' | 'orderBy'> = {},
): ConsumerSpec {
  return {
    durable: `${context}-intake`,
    stream: 'INTAKE',
    filterSubjects: [`lgsp.intake.*.${context}.>`],
    unhandled: 'reject',
    ...options,
  };
}

/** NATS subject matching: `*` is one token, `>` one or more at the end. */
export function subjectMatches(filter: string, subject: string): boolean {
  const f = filter.split('.');
  const s = subject.split('.');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '>') return s.length > i;
    if (i >= s.length || (f[i] !== '*' && f[i] !== s[i])) return false;
  }
  return f.length === s.length;
}

/**
 * Why these consumers cannot carry these handled types: a type with no contract, outside every
 * consumer's filters (its handler would silently never run), or inside two (it would run twice).
 * Empty when every type has exactly one consumer.
 */
export function coverageProblems(types: Iterable<string>, consumers: readonly ConsumerSpec[]): string[] {
  const problems: string[] = [];
  for (const type of types) {
    if (!isEventType(type)) {
      problems.push(`${type} is handled but has no contract`);
      continue;
    }
    // Any token-safe agency (or reporting service) stands for all of them: filters take every one alike.
    const subject = contractFor(type)
      .subject.replace('{agency}', 'any-agency')
      .replace('{service}', 'any-service');
    const carriers = consumers.filter(
      (c) =>
        STREAMS[c.stream].subjects.some((s) => subjectMatches(s, subject)) &&
        c.filterSubjects.some((f) => subjectMatches(f, subject)),
    );
    if (carriers.length === 0)
      problems.push(`${type} is handled, but its subject ${subject} is outside every consumer's filters`);
    else if (carriers.length > 1)
      problems.push(
        `${type} would be handled twice: ${carriers.map((c) => c.durable).join(' and ')} both carry ${subject}`,
      );
  }
  return problems;
}

export function streamConfig(name: StreamName, replicas: number): Partial<StreamConfig> & { name: string } {
  const def = STREAMS[name];
  return {
    name,
    subjects: [...def.subjects],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    max_age: ns(def.maxAgeDays),
    duplicate_window: 'duplicateWindowNs' in def ? def.duplicateWindowNs : DUPLICATE_WINDOW_NS,
    max_consumers: MAX_CONSUMERS[name],
    num_replicas: replicas,
  };
}

/** Creates or updates every stream; safe to run from every service at every start. */
export async function ensureStreams(jsm: JetStreamManager, replicas = 1): Promise<void> {
  for (const name of Object.keys(STREAMS) as StreamName[]) {
    const config = streamConfig(name, replicas);
    try {
      await jsm.streams.info(name);
      await jsm.streams.update(name, config);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      await jsm.streams.add(config);
    }
  }
}

export function isNotFound(err: unknown): boolean {
  const e = err as { code?: unknown; api_error?: { err_code?: number }; message?: string };
  return (
    e?.api_error?.err_code === 10059 ||
    e?.api_error?.err_code === 10014 ||
    /not found/i.test(String(e?.message ?? ''))
  );
}
