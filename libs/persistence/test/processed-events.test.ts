import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Connection } from 'mongoose';
import { startEngines, type Engines } from '@openlgsp/testing';
import { openConnection } from '../src/connection.js';
import { MongoProcessedEvents } from '../src/processed-events.js';

/** The record of applied event ids that keeps redelivered events from applying twice. */
describe('processed event ids in the store', () => {
  let engines: Engines;
  let connection: Connection;

  before(async () => {
    engines = await startEngines({ nats: false });
    connection = await openConnection({ url: engines.mongoUrl });
  });
  after(async () => {
    await connection?.close();
    await engines?.stop();
  });

  it('remembers an applied event id per consumer, and recording it twice is harmless', async () => {
    const processed = new MongoProcessedEvents(connection);
    const id = '0197a1b2-8000-7000-8000-000000000001';
    assert.equal(await processed.has('catalogue-intake', id), false);
    await processed.add('catalogue-intake', id);
    await processed.add('catalogue-intake', id);
    assert.equal(await processed.has('catalogue-intake', id), true);
    assert.equal(
      await processed.has('sharing-catalogue', id),
      false,
      'another consumer applies it on its own',
    );
    assert.equal(await connection.collection('processed_events').countDocuments({}), 1);
  });

  it('survives a new connection (nothing is held in memory)', async () => {
    await new MongoProcessedEvents(connection).add('catalogue-intake', 'e-restart');
    const again = await openConnection({ url: engines.mongoUrl });
    try {
      assert.equal(await new MongoProcessedEvents(again).has('catalogue-intake', 'e-restart'), true);
    } finally {
      await again.close();
    }
  });
});
