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
import { DiscoveryModule, DiscoveryService, MetadataScanner } from '@nestjs/core';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import { createLogger } from '@openlgsp/telemetry';
import { EventConsumer, PROCESSED_EVENTS, type EventHandlerFn, type ProcessedEvents } from './consumer.js';
import { currentClock, type Clock } from './envelope.js';
import { CLOCK, EVENT_SOURCE, EventFactory } from './factory.js';
import { OutboxRelay } from './outbox.js';
import { EventPublisher } from './publisher.js';
import { CONSUMERS, ensureStreams, type ConsumerSpec } from './topology.js';

export const NATS_CONNECTION = Symbol('NATS_CONNECTION');
export const JETSTREAM = Symbol('JETSTREAM');
export const EVENTS_OPTIONS = Symbol('EVENTS_OPTIONS');

const ON_EVENT = 'lgsp:on-event';

/** Marks a provider method as the handler of one event type (a door into a use case). */
export function OnEvent(type: string): MethodDecorator {
  return (_target, _key, descriptor) => {
    Reflect.defineMetadata(ON_EVENT, type, descriptor.value as object);
    return descriptor;
  };
}

export interface EventsOptions {
  service: string;
  natsUrl: string;
  /** Per-service NATS credentials (the cluster's accounts give each service its own user). */
  natsUser?: string;
  natsPassword?: string;
  /** Stream replicas: 1 on one machine, 3 on a cluster. */
  replicas?: number;
  consumers?: ConsumerSpec[];
  /** Off in tests that drive the relay by hand. */
  startRelay?: boolean;
  sweepIntervalMs?: number;
}

export function eventsOptionsFromEnv(service: string, env = process.env): EventsOptions {
  return {
    service,
    natsUrl: env.NATS_URL ?? 'nats://127.0.0.1:4222',
    ...(env.NATS_USER ? { natsUser: env.NATS_USER, natsPassword: env.NATS_PASSWORD ?? '' } : {}),
    replicas: Number(env.STREAM_REPLICAS ?? 1),
  };
}

/** Finds the @OnEvent handlers, ensures streams and consumers, and runs them with the app. */
@Injectable()
export class EventRuntime implements OnApplicationBootstrap, OnApplicationShutdown {
  private consumers: EventConsumer[] = [];
  private readonly logger;

  constructor(
    @Inject(EVENTS_OPTIONS) private readonly options: EventsOptions,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    @Inject(PROCESSED_EVENTS) private readonly processed: ProcessedEvents,
    private readonly publisher: EventPublisher,
    private readonly relay: OutboxRelay,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {
    this.logger = createLogger(options.service);
  }

  handlers(): Map<string, EventHandlerFn> {
    const found = new Map<string, EventHandlerFn>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object') continue;
      const proto = Object.getPrototypeOf(instance) as object;
      for (const name of this.scanner.getAllMethodNames(proto)) {
        const method = instance[name] as EventHandlerFn;
        const type = Reflect.getMetadata(ON_EVENT, method) as string | undefined;
        if (!type) continue;
        if (found.has(type)) throw new Error(`two handlers for ${type}`);
        found.set(type, method.bind(instance));
      }
    }
    return found;
  }

  async onApplicationBootstrap(): Promise<void> {
    const jsm = await jetstreamManager(this.nc);
    await ensureStreams(jsm, this.options.replicas ?? 1);
    const handlers = this.handlers();
    const specs = this.options.consumers ?? CONSUMERS[this.options.service] ?? [];
    for (const spec of specs) {
      const consumer = new EventConsumer(
        this.js,
        jsm,
        this.publisher,
        spec,
        handlers,
        this.processed,
        this.logger,
      );
      await consumer.start();
      this.consumers.push(consumer);
    }
    if (this.options.startRelay !== false) {
      this.relay.start();
      void this.relay.sweep();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.stop()));
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
      imports: [DiscoveryModule],
      providers: [
        { provide: EVENTS_OPTIONS, useFactory: options },
        {
          provide: NATS_CONNECTION,
          useFactory: () =>
            connect({
              servers: options().natsUrl,
              name: options().service,
              ...(options().natsUser ? { user: options().natsUser, pass: options().natsPassword } : {}),
              maxReconnectAttempts: -1,
              reconnectTimeWait: 500,
            }),
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
      ],
      exports: [NATS_CONNECTION, JETSTREAM, EventPublisher, OutboxRelay, EVENTS_OPTIONS, CLOCK, EventFactory],
    };
  }
}
