import { Counter, Gauge, register } from 'prom-client';

/** Event metrics, registered once in the process-wide registry that `/metrics` serves. */
function counter(name: string, help: string, labelNames: string[]) {
  return (register.getSingleMetric(name) as Counter<string>) ?? new Counter({ name, help, labelNames });
}
function gauge(name: string, help: string, labelNames: string[]) {
  return (register.getSingleMetric(name) as Gauge<string>) ?? new Gauge({ name, help, labelNames });
}

export const eventMetrics = {
  published: counter('lgsp_events_published_total', 'Events published to JetStream', ['type']),
  consumed: counter('lgsp_events_consumed_total', 'Events handled successfully', ['consumer', 'type']),
  failed: counter('lgsp_events_failed_total', 'Handler failures (will be redelivered)', ['consumer', 'type']),
  rejected: counter('lgsp_events_rejected_total', 'Events refused with reasons', ['consumer', 'code']),
  deadLettered: counter('lgsp_events_dead_lettered_total', 'Events moved to the DLQ', ['consumer']),
  invalid: counter(
    'lgsp_events_invalid_total',
    'Events that broke their contract at publish, moved from the outbox to the DLQ',
    ['store', 'type'],
  ),
  heldThroughOutage: counter(
    'lgsp_events_held_through_outage_total',
    'Handler failures because the store was away: the event was kept and tried again in place',
    ['consumer'],
  ),
  redelivered: counter(
    'lgsp_events_redelivered_total',
    "Messages a consumer received again (an earlier delivery was nak'ed or outlived its ack wait)",
    ['consumer'],
  ),
  consumerLag: gauge('lgsp_consumer_pending', 'Messages not yet delivered to a consumer', ['consumer']),
  consumerAckPending: gauge(
    'lgsp_consumer_ack_pending',
    'Messages delivered to a consumer and not yet acknowledged',
    ['consumer'],
  ),
  consumerRedelivered: gauge(
    'lgsp_consumer_redelivered',
    'Messages of a consumer delivered more than once and not yet acknowledged',
    ['consumer'],
  ),
  outboxBacklog: gauge('lgsp_outbox_backlog', 'Events found pending by the outbox sweeper', ['store']),
};
