import type { JetStreamManager, StreamConfig } from '@nats-io/jetstream';
import { RetentionPolicy, StorageType, DiscardPolicy } from '@nats-io/jetstream';

const DAY_NS = 24 * 60 * 60 * 1_000_000_000;
const ns = (days: number) => days * DAY_NS;

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
  INTAKE: { subjects: ['lgsp.intake.>'], maxAgeDays: 90 },
  REJECTED: { subjects: ['lgsp.rejected.>'], maxAgeDays: 90 },
  DLQ: { subjects: ['lgsp.dlq.>'], maxAgeDays: 365 },
} as const satisfies Record<string, { subjects: readonly string[]; maxAgeDays: number }>;
export type StreamName = keyof typeof STREAMS;

/** How long JetStream remembers a `Nats-Msg-Id`: longer than the outbox sweeper's worst-case delay. */
export const DUPLICATE_WINDOW_NS = 60 * 60 * 1_000_000_000;

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
}

export const DEFAULT_BACKOFF_MS = [1_000, 5_000, 30_000, 120_000];

/** Each service's durable consumers. A service reads other services' data only through these. */
export const CONSUMERS: Record<string, ConsumerSpec[]> = {
  catalogue: [
    {
      durable: 'catalogue-intake',
      stream: 'INTAKE',
      filterSubjects: ['lgsp.intake.*.catalogue.>'],
      unhandled: 'reject',
    },
    {
      // The catalogue reacts to its own facts durably (a withdrawn entry retires its services).
      durable: 'catalogue-reactions',
      stream: 'CATALOGUE',
      filterSubjects: ['lgsp.catalogue.entry.withdrawn'],
      unhandled: 'skip',
    },
  ],
  sharing: [
    {
      durable: 'sharing-intake',
      stream: 'INTAKE',
      filterSubjects: ['lgsp.intake.*.sharing.>'],
      unhandled: 'reject',
    },
    {
      // Sharing's own view of the catalogue is built only from catalogue facts.
      durable: 'sharing-catalogue',
      stream: 'CATALOGUE',
      filterSubjects: ['lgsp.catalogue.>'],
      unhandled: 'skip',
    },
    {
      // Decisions become grants through the stream: the request and the grant are two documents.
      durable: 'sharing-reactions',
      stream: 'SHARING',
      filterSubjects: ['lgsp.sharing.request.approved', 'lgsp.sharing.dispute.decided'],
      unhandled: 'skip',
    },
    {
      // The access check's holdings follow every grant event (a repair path; the use case writes them first).
      durable: 'sharing-holdings',
      stream: 'SHARING',
      filterSubjects: ['lgsp.sharing.grant.>'],
      unhandled: 'skip',
    },
  ],
  // The audit trail reads every stream whole, raw (malformed messages are evidence too), with its
  // own recorder rather than EventConsumer. Its own checkpoints stay out: recording them would move
  // the head each time it is signed.
  audit: [
    {
      durable: 'audit-catalogue',
      stream: 'CATALOGUE',
      filterSubjects: ['lgsp.catalogue.>'],
      unhandled: 'skip',
    },
    { durable: 'audit-sharing', stream: 'SHARING', filterSubjects: ['lgsp.sharing.>'], unhandled: 'skip' },
    { durable: 'audit-opendata', stream: 'OPENDATA', filterSubjects: ['lgsp.opendata.>'], unhandled: 'skip' },
    { durable: 'audit-access', stream: 'AUDIT', filterSubjects: ['lgsp.audit.access.>'], unhandled: 'skip' },
    {
      durable: 'audit-incidents',
      stream: 'INCIDENTS',
      filterSubjects: ['lgsp.incidents.>'],
      unhandled: 'skip',
    },
    { durable: 'audit-intake', stream: 'INTAKE', filterSubjects: ['lgsp.intake.>'], unhandled: 'skip' },
    { durable: 'audit-rejected', stream: 'REJECTED', filterSubjects: ['lgsp.rejected.>'], unhandled: 'skip' },
    { durable: 'audit-dlq', stream: 'DLQ', filterSubjects: ['lgsp.dlq.>'], unhandled: 'skip' },
  ],
};

export function streamConfig(name: StreamName, replicas: number): Partial<StreamConfig> & { name: string } {
  const def = STREAMS[name];
  return {
    name,
    subjects: [...def.subjects],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    max_age: ns(def.maxAgeDays),
    duplicate_window: DUPLICATE_WINDOW_NS,
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
