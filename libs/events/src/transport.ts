import { Inject, Injectable } from '@nestjs/common';
import { Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import { jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { createLogger } from '@openlgsp/telemetry';
import { lastValueFrom } from 'rxjs';
import { EventConsumer, PROCESSED_EVENTS, type EventHandlerFn, type ProcessedEvents } from './consumer.js';
import { EventPublisher } from './publisher.js';
import { coverageProblems, DEFAULT_CONCURRENCY } from './topology.js';
import { EVENTS_OPTIONS, JETSTREAM, NATS_CONNECTION, type EventsOptions } from './tokens.js';

/**
 * The service's JetStream consumers as a Nest transport: handlers are `@EventPattern(<event type>)`
 * methods of controllers, taking `@Payload()` the LgspEvent and `@Ctx()` its EventContext, so Nest's
 * pipes, guards, interceptors and exception filters apply to them as to HTTP. What Nest's NATS
 * transport lacks is kept here: durable pull consumers declared by the service, explicit acks,
 * redelivery with backoff, dead letters, rejections with reasons, idempotence by event id, contract
 * and agency checks on receipt, CONSUMER spans continuing the event's trace.
 *
 * Several handlers of one type (in different features) all run, concurrently, on each delivery; the
 * event is acked only when every one succeeded. A failure or refusal by any of them answers for the
 * event as a whole, and a redelivery runs them all again, so each must be idempotent on its own
 * (a guarded transition, an upsert), as every handler here already is.
 */
@Injectable()
export class JetStreamServer extends Server implements CustomTransportStrategy {
  private consumers: EventConsumer[] = [];
  private readonly log;

  constructor(
    @Inject(EVENTS_OPTIONS) private readonly options: EventsOptions,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    @Inject(PROCESSED_EVENTS) private readonly processed: ProcessedEvents,
    private readonly publisher: EventPublisher,
  ) {
    super();
    this.log = createLogger(options.service);
  }

  /** Fails the start, loudly, when a handler could never run (or would run twice). */
  async listen(callback: (err?: unknown) => void): Promise<void> {
    try {
      const handlers = this.eventHandlers();
      const specs = this.options.consumers ?? [];
      const problems = coverageProblems(handlers.keys(), specs);
      if (problems.length)
        throw new Error(
          `${this.options.service}'s consumers do not fit its handlers: ${problems.join('; ')}`,
        );
      const jsm = await jetstreamManager(this.nc);
      for (const spec of specs) {
        const consumer = new EventConsumer(
          this.js,
          jsm,
          this.publisher,
          {
            ...spec,
            concurrency: spec.concurrency ?? this.options.consumerConcurrency ?? DEFAULT_CONCURRENCY,
          },
          handlers,
          this.processed,
          this.log,
        );
        await consumer.start();
        this.consumers.push(consumer);
      }
      callback();
    } catch (err) {
      await this.close();
      callback(err);
    }
  }

  async close(): Promise<void> {
    const consumers = this.consumers;
    this.consumers = [];
    await Promise.all(consumers.map((c) => c.stop()));
  }

  on(): never {
    throw new Error('the JetStream transport has no events to listen to');
  }

  unwrap<T>(): T {
    return this.nc as T;
  }

  /** One function per event type, running every `@EventPattern` handler of it and settling with them. */
  private eventHandlers(): Map<string, EventHandlerFn> {
    const found = new Map<string, EventHandlerFn>();
    for (const [pattern, handler] of this.getHandlers()) {
      if (!handler.isEventHandler)
        throw new Error(`@MessagePattern('${pattern}'): events have no replies; use @EventPattern`);
      found.set(pattern, (event, ctx) => this.run(handler, event, ctx));
    }
    return found;
  }

  private async run(handler: MessageHandler, ...args: Parameters<EventHandlerFn>): Promise<void> {
    // Nest chains the handlers of one pattern and joins their results; an error (passed through the
    // exception filters) fails the whole.
    await lastValueFrom(this.transformToObservable(await handler(...args)), { defaultValue: undefined });
  }
}
