import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Injectable, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Schema, type Connection } from 'mongoose';
import { CLOCK, EventFactory, OutboxRelay, type EventPublisher } from '@openlgsp/events';
import { startEngines, type Engines } from '@openlgsp/testing';
import type { AggregateDoc } from '../src/aggregate.repository.js';
import { MONGO_CONNECTION, openConnection } from '../src/connection.js';
import { DeadlineRepositoryOf } from '../src/nest.js';
import { outboxFields } from '../src/outbox.schema.js';

interface Demand extends AggregateDoc {
  status: 'open' | 'withdrawn';
  dueAt: Date;
  flaggedAt: Date | null;
}

const DAY = 86_400_000;

@Injectable()
class DemandsRepository extends DeadlineRepositoryOf<Demand>(
  'demand',
  'Demand',
  new Schema(
    { _id: String, revision: Number, status: String, dueAt: Date, flaggedAt: Date, ...outboxFields },
    { versionKey: false },
  ),
  {
    dueCollection: 'demands_due',
    kinds: [{ name: 'overdue', at: (d) => d.dueAt, pending: (d) => d.flaggedAt === null }],
    unfinished: { status: 'open' },
  },
) {
  overdue(now: Date): Promise<Demand[]> {
    return this.deadlines.due('overdue', now, 10);
  }
}

/** A repository whose aggregate has deadlines, built by Nest as a service builds it. */
describe('a repository that keeps deadlines', () => {
  const now = new Date('2030-01-10T09:00:00Z');
  let clockReads = 0;
  let engines: Engines;
  let connection: Connection;
  let app: INestApplicationContext;
  let demands: DemandsRepository;
  const ids = (docs: Demand[]) => docs.map((d) => d._id).sort();

  before(async () => {
    engines = await startEngines({ nats: false });
    connection = await openConnection({ url: engines.mongoUrl });
    // Nothing is published: every write here has no events, and the relay is never started.
    const relay = new OutboxRelay({} as EventPublisher, { warn: () => undefined, error: () => undefined });
    app = await NestFactory.createApplicationContext(
      {
        module: class DemandsModule {},
        providers: [
          { provide: MONGO_CONNECTION, useValue: connection },
          { provide: OutboxRelay, useValue: relay },
          { provide: EventFactory, useValue: new EventFactory('/openlgsp/test') },
          { provide: CLOCK, useValue: () => (clockReads++, now) },
          DemandsRepository,
        ],
      },
      { logger: false },
    );
    demands = app.get(DemandsRepository);
  });
  after(async () => {
    await app?.close();
    await connection?.close();
    await engines?.stop();
  });

  it('finds what was stored before the due lists existed, through the unfinished filter', async () => {
    await connection.collection<Demand>('demands').insertMany([
      { _id: 'old', revision: 1, status: 'open', dueAt: new Date(now.getTime() - 30 * DAY), flaggedAt: null },
      // Its deadline is pending, but the unfinished filter leaves it out: the fill never reads it.
      {
        _id: 'withdrawn',
        revision: 1,
        status: 'withdrawn',
        dueAt: new Date(now.getTime() - 30 * DAY),
        flaggedAt: null,
      },
    ]);
    assert.deepEqual(ids(await demands.overdue(now)), ['old']);
  });

  it('lists the deadline of each aggregate it writes, on the injected clock, until it is done', async () => {
    const before = clockReads;
    await demands.insert(
      { _id: 'new', status: 'open', dueAt: new Date(now.getTime() + DAY), flaggedAt: null },
      [],
    );
    assert.ok(clockReads > before, 'the write listed its deadline on the service clock');
    assert.deepEqual(ids(await demands.overdue(now)), ['old'], 'not yet due');
    const later = new Date(now.getTime() + 2 * DAY);
    assert.deepEqual(ids(await demands.overdue(later)), ['new', 'old']);
    await demands.update('old', 1, { flaggedAt: later }, []);
    await demands.update('new', 1, { flaggedAt: later }, []);
    assert.deepEqual(await demands.overdue(later), [], 'nothing flagged is due');
  });
});
