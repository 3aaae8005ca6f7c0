/**
 * The webhook delivery worker as its own process (`node dist/src/webhooks/worker.main.js`), for
 * running with `WEBHOOK_WORKER=off` on the API: it scales apart, and a slow receiver never holds up
 * an API instance. It reads the same settings as the service (NATS_*, MONGO_*, WEBHOOK_*,
 * OUTBOUND_ALLOW_LIST) and stops gracefully on SIGTERM/SIGINT: deliveries in flight finish and
 * their outcome is saved, so a restart resumes at each subscription's cursor.
 */
import { startTelemetry } from '@openlgsp/telemetry';

await startTelemetry({ serviceName: 'opendata-webhooks' });

const { connect } = await import('@nats-io/transport-node');
const { jetstream } = await import('@nats-io/jetstream');
const { eventsOptionsFromEnv, natsConnectOptions } = await import('@openlgsp/events');
const { mongoOptionsFromEnv, openConnection } = await import('@openlgsp/persistence');
const { createLogger } = await import('@openlgsp/telemetry');
const { SubscriptionsRepository } = await import('./subscription.repository.js');
const { webhookWorker } = await import('./webhook-worker.service.js');
const { webhooksConfigFromEnv } = await import('./webhooks.config.js');

const logger = createLogger('opendata-webhooks');
const config = webhooksConfigFromEnv();
const events = eventsOptionsFromEnv('opendata');
const nc = await connect(natsConnectOptions(events, 'opendata-webhooks'));
const connection = await openConnection(mongoOptionsFromEnv('opendata'));
const worker = webhookWorker(jetstream(nc), new SubscriptionsRepository(connection), config);
worker.start();
logger.info({ concurrency: config.concurrency }, 'webhook delivery worker started');

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'webhook delivery worker stopping');
  await worker.stop();
  await nc.drain().catch(() => undefined);
  await connection.close().catch(() => undefined);
  process.exit(0);
}
process.once('SIGTERM', () => void stop('SIGTERM'));
process.once('SIGINT', () => void stop('SIGINT'));
