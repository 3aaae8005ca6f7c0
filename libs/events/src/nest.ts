import 'reflect-metadata';
import {
  Global,
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { connect, type ConnectionOptions, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import { createLogger } from '@openlgsp/telemetry';
import { currentClock, type Clock } from './envelope.js';
import { CLOCK, EVENT_SOURCE, EventFactory } from './factory.js';
import { OutboxRelay } from './outbox.js';
import { EventPublisher } from './publisher.js';
import { ensureStreams } from './topology.js';
import { EVENTS_OPTIONS, JETSTREAM, NATS_CONNECTION, type EventsOptions } from './tokens.js';
import { JetStreamServer } from './transport.js';

export function eventsOptionsFromEnv(service: string, env = process.env): EventsOptions {
  return {
    service,
    natsUrl: env.NATS_URL ?? 'nats://127.0.0.1:4222',
    ...(env.NATS_USER ? { natsUser: env.NATS_USER, natsPassword: env.NATS_PASSWORD ?? '' } : {}),
    replicas: Number(env.STREAM_REPLICAS ?? 1),
    ...(env.EVENT_CONCURRENCY ? { consumerConcurrency: positiveInteger('EVENT_CONCURRENCY', env) } : {}),
  };
}

function positiveInteger(name: string, env: NodeJS.ProcessEnv): number {
  const value = Number(env[name]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
}

/**
 * How a process of `options.service` connects: as its own NATS user (NATS_USER / NATS_PASSWORD),
 * with its own inbox prefix — replies and pull deliveries to it arrive below `_INBOX_<service>.`,
 * the only subjects its user may subscribe to (deploy/nats/accounts.mjs).
 */
export function natsConnectOptions(options: EventsOptions, name = options.service): ConnectionOptions {
  return {
    servers: options.natsUrl,
    name,
    inboxPrefix: `_INBOX_${options.service}`,
    ...(options.natsUser ? { user: options.natsUser, pass: options.natsPassword } : {}),
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
  };
}

/**
 * Ensures the streams and runs the outbox relay with the app. The consumers are the JetStream
 * transport's (`JetStreamServer`), started after this, once the streams exist.
 */
@Injectable()
export class EventRuntime implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(EVENTS_OPTIONS) private readonly options: EventsOptions,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    private readonly relay: OutboxRelay,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await ensureStreams(await jetstreamManager(this.nc), this.options.replicas ?? 1);
    if (this.options.startRelay !== false) {
      this.relay.start();
      void this.relay.sweep();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay.stop();
    if (!this.nc.isClosed()) await this.nc.drain().catch(() => undefined);
  }
}

@Global()
@Module({})
export class EventsModule {
  /** Options may be a function: read when the app is created, not when the module file loads. */
  static forRoot(optionsOrFactory: EventsOptions | (() => EventsOptions)): DynamicModule {
    let resolved: EventsOptions | undefined;
    const options = () =>
      (resolved ??= typeof optionsOrFactory === 'function' ? optionsOrFactory() : optionsOrFactory);
    return {
      module: EventsModule,
      providers: [
        { provide: EVENTS_OPTIONS, useFactory: options },
        {
          provide: NATS_CONNECTION,
          useFactory: () => connect(natsConnectOptions(options())),
        },
        { provide: JETSTREAM, inject: [NATS_CONNECTION], useFactory: (nc: NatsConnection) => jetstream(nc) },
        {
          provide: EventPublisher,
          inject: [JETSTREAM],
          useFactory: (js: JetStreamClient) => new EventPublisher(js, options().service),
        },
        {
          provide: OutboxRelay,
          inject: [EventPublisher, CLOCK],
          useFactory: (publisher: EventPublisher, clock: Clock) =>
            new OutboxRelay(
              publisher,
              createLogger(options().service),
              { sweepIntervalMs: options().sweepIntervalMs ?? 5_000, graceMs: 2_000, batch: 100 },
              clock,
            ),
        },
        { provide: CLOCK, useFactory: currentClock },
        { provide: EVENT_SOURCE, useFactory: () => `/openlgsp/${options().service}` },
        EventFactory,
        EventRuntime,
        JetStreamServer,
      ],
      exports: [
        NATS_CONNECTION,
        JETSTREAM,
        EventPublisher,
        OutboxRelay,
        EVENTS_OPTIONS,
        CLOCK,
        EventFactory,
        JetStreamServer,
      ],
    };
  }
}
