/**
 * The webhook delivery worker as its own process (`node dist/src/webhooks/worker.main.js`), for
 * running with `WEBHOOK_WORKER=off` on the API: it scales apart, and a slow receiver never holds up
 * an API instance. It reads the same settings as the service (NATS_*, MONGO_*, WEBHOOK_*,
 * OUTBOUND_ALLOW_LIST) and stops gracefully on SIGTERM/SIGINT: deliveries in flight finish and
 * their outcome is saved and its leases released, so another worker (or a restart) resumes at each
 * subscription's cursor. Run as many as needed: each subscription is delivered by one at a time. For its probes it
 * answers `GET /health/live` and `GET /health/ready` (NATS and MongoDB connected) on PORT (3000),
 * and nothing else.
 */
import { startTelemetry } from '@openlgsp/telemetry';

await startTelemetry({ serviceName: 'opendata-webhooks' });

const { createServer } = await import('node:http');
const { connect } = await import('@nats-io/transport-node');
const { jetstream } = await import('@nats-io/jetstream');
const { eventsOptionsFromEnv, natsConnectOptions } = await import('@openlgsp/events');
const { mongoOptionsFromEnv, openConnection } = await import('@openlgsp/persistence');
const { createLogger } = await import('@openlgsp/telemetry');
const { LeasesRepository } = await import('./lease.repository.js');
const { SubscriptionsRepository } = await import('./subscription.repository.js');
const { webhookWorker } = await import('./webhook-worker.service.js');
const { webhooksConfigFromEnv } = await import('./webhooks.config.js');

const logger = createLogger('opendata-webhooks');
const config = webhooksConfigFromEnv();
const events = eventsOptionsFromEnv('opendata');
const nc = await connect(natsConnectOptions(events, 'opendata-webhooks'));
const connection = await openConnection(mongoOptionsFromEnv('opendata'));
const worker = webhookWorker(
  jetstream(nc),
  new SubscriptionsRepository(connection),
  new LeasesRepository(connection),
  config,
);
worker.start();
let stopping = false;
const probes: Record<string, () => boolean> = {
  '/health/live': () => !stopping,
  '/health/ready': () => !stopping && !nc.isClosed() && connection.readyState === 1,
};
const health = createServer((req, res) => {
  const probe = req.method === 'GET' ? probes[req.url ?? ''] : undefined;
  res.writeHead(probe ? (probe() ? 200 : 503) : 404).end();
});
health.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '0.0.0.0');
logger.info(
  {
    concurrency: config.concurrency,
    leaseTtlMs: config.lease.ttlMs,
    maxSubscriptions: config.lease.maxPerWorker,
  },
  'webhook delivery worker started',
);

async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'webhook delivery worker stopping');
  health.close();
  await worker.stop();
  await nc.drain().catch(() => undefined);
  await connection.close().catch(() => undefined);
  process.exit(0);
}
process.once('SIGTERM', () => void stop('SIGTERM'));
process.once('SIGINT', () => void stop('SIGINT'));
