import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  Catch,
  Controller,
  Global,
  Module,
  type INestMicroservice,
  type RpcExceptionFilter,
  type Type,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload, type AsyncMicroserviceOptions } from '@nestjs/microservices';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { throwError, type Observable } from 'rxjs';
import { startEngines, type Engines } from '@openlgsp/testing';
import { PROCESSED_EVENTS, type EventContext, type ProcessedEvents } from '../src/consumer.js';
import { createEvent, type LgspEvent } from '../src/envelope.js';
import { EventsModule } from '../src/nest.js';
import { EventPublisher } from '../src/publisher.js';
import type { ConsumerSpec } from '../src/topology.js';
import { JetStreamServer } from '../src/transport.js';
import { example, settled } from './support.js';

/**
 * The JetStream transport inside a Nest microservice, against a real nats-server: handlers declared
 * with @EventPattern in two feature controllers, one consumer declared by the "service".
 */
const SERVICE = 'transport-check';
const WITHDRAWN = 'vn.openlgsp.catalogue.entry.withdrawn.v1';
const LISTED = 'vn.openlgsp.catalogue.entry.listed.v1';
const FEED: ConsumerSpec = {
  durable: `${SERVICE}-catalogue`,
  stream: 'CATALOGUE',
  filterSubjects: ['lgsp.catalogue.entry.withdrawn'],
  unhandled: 'skip',
  maxDeliver: 3,
  backoffMs: [50],
};

const seen: { by: string; id: string; delivery: number }[] = [];
/** Event ids the grants handler fails on, as many times as the count says. */
const failures = new Map<string, number>();

@Controller()
class ViewHandlers {
  @EventPattern(WITHDRAWN)
  async onWithdrawn(@Payload() event: LgspEvent) {
    seen.push({ by: 'view', id: event.id, delivery: 0 });
  }
}

@Controller()
class GrantHandlers {
  @EventPattern<string>(WITHDRAWN)
  async onWithdrawn(@Payload() event: LgspEvent, @Ctx() ctx: EventContext) {
    seen.push({ by: 'grants', id: event.id, delivery: ctx.deliveryCount });
    const left = failures.get(event.id) ?? 0;
    if (left > 0) {
      failures.set(event.id, left - 1);
      throw new Error('grants store unavailable');
    }
  }
}

@Controller()
class ListingHandlers {
  @EventPattern(LISTED)
  async onListed(@Payload() _event: LgspEvent) {}
}

/** Events answer their own errors in the transport (services get this from the platform's filter). */
@Catch()
class PassErrorsOn implements RpcExceptionFilter {
  catch(err: unknown): Observable<never> {
    return throwError(() => err);
  }
}

const applied = new Set<string>();
const processed: ProcessedEvents = {
  has: async (consumer, id) => applied.has(`${consumer}:${id}`),
  add: async (consumer, id) => void applied.add(`${consumer}:${id}`),
};

@Global()
@Module({ providers: [{ provide: PROCESSED_EVENTS, useValue: processed }], exports: [PROCESSED_EVENTS] })
class MemoryProcessedModule {}

async function startMicroservice(natsUrl: string, controllers: Type[]): Promise<INestMicroservice> {
  @Module({
    imports: [
      MemoryProcessedModule,
      EventsModule.forRoot({ service: SERVICE, natsUrl, consumers: [FEED], startRelay: false }),
    ],
    controllers,
  })
  class TestModule {}
  const app = await NestFactory.createMicroservice<AsyncMicroserviceOptions>(TestModule, {
    inject: [JetStreamServer],
    useFactory: (strategy: JetStreamServer) => ({ strategy }),
    logger: false,
  });
  app.useGlobalFilters(new PassErrorsOn());
  try {
    await app.listen();
  } catch (err) {
    await app.close();
    throw err;
  }
  return app;
}

describe('the JetStream transport', () => {
  let engines: Engines;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let publisher: EventPublisher;

  before(async () => {
    engines = await startEngines({ mongo: false });
    nc = await connect({ servers: engines.natsUrl });
    jsm = await jetstreamManager(nc);
    publisher = new EventPublisher(jetstream(nc), SERVICE);
  });

  after(async () => {
    await nc?.close();
    await engines?.stop();
  });

  const withdrawn = () =>
    createEvent(WITHDRAWN, example('entry.withdrawn'), {
      source: '/openlgsp/catalogue',
      agency: 'STTTT',
      actor: 'dic-officer',
    });

  it('refuses to start when a handled type is outside every consumer of the service', async () => {
    await assert.rejects(
      startMicroservice(engines.natsUrl, [ViewHandlers, ListingHandlers]),
      /entry\.listed\.v1 is handled, but its subject lgsp\.catalogue\.entry\.listed is outside every consumer's filters/,
    );
  });

  describe('with two handlers of one type in two features', () => {
    let app: INestMicroservice;
    before(async () => {
      app = await startMicroservice(engines.natsUrl, [ViewHandlers, GrantHandlers]);
    });
    after(async () => {
      await app?.close();
    });

    it('runs both, once each', async () => {
      const event = withdrawn();
      await publisher.publish(event);
      await settled(jsm, FEED);
      assert.deepEqual(
        seen
          .filter((s) => s.id === event.id)
          .map((s) => s.by)
          .sort(),
        ['grants', 'view'],
      );
    });

    it('acks only when both succeeded: a failure of one runs both again on the redelivery', async () => {
      const event = withdrawn();
      failures.set(event.id, 1);
      await publisher.publish(event);
      await settled(jsm, FEED);
      const runs = seen.filter((s) => s.id === event.id);
      assert.equal(runs.filter((s) => s.by === 'view').length, 2, 'the view handler ran on both deliveries');
      assert.deepEqual(
        runs.filter((s) => s.by === 'grants').map((s) => s.delivery),
        [1, 2],
        'the grants handler failed on the first delivery and succeeded on the second',
      );
      assert.equal(
        await processed.has(FEED.durable, `${event.source} ${event.id}`),
        true,
        'applied once both succeeded',
      );
    });
  });
});
