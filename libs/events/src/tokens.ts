import type { ConsumerSpec } from './topology.js';

export const NATS_CONNECTION = Symbol('NATS_CONNECTION');
export const JETSTREAM = Symbol('JETSTREAM');
export const EVENTS_OPTIONS = Symbol('EVENTS_OPTIONS');

export interface EventsOptions {
  service: string;
  natsUrl: string;
  /** Per-service NATS credentials (the cluster's accounts give each service its own user). */
  natsUser?: string;
  natsPassword?: string;
  /** Stream replicas: 1 on one machine, 3 on a cluster. */
  replicas?: number;
  /** The service's own durable consumers, declared beside its handlers (none by default). */
  consumers?: ConsumerSpec[];
  /** Events each consumer handles at once unless its spec says (`EVENT_CONCURRENCY`; 1 = one at a time). */
  consumerConcurrency?: number;
  /** Off in tests that drive the relay by hand. */
  startRelay?: boolean;
  sweepIntervalMs?: number;
}
