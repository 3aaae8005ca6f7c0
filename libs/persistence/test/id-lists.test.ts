import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Connection } from 'mongoose';
import { scansDuring, startEngines, type Engines } from '@openlgsp/testing';
import { openConnection } from '../src/connection.js';
import { IdLists } from '../src/id-lists.js';

/** Lists of ids keyed by what documents are looked up by, so that the lookup is a read by `_id`. */
describe('id lists', () => {
  let engines: Engines;
  let connection: Connection;
  const grants = () => connection.collection<{ _id: string; entryId: string }>('grants');
  const existing = async function* (): AsyncGenerator<[string, string]> {
    for await (const g of grants().find({})) yield [`entry|${g.entryId}`, g._id];
  };

  before(async () => {
    engines = await startEngines({ nats: false });
    connection = await openConnection({ url: engines.mongoUrl });
  });
  after(async () => {
    await connection?.close();
    await engines?.stop();
  });

  it('fills itself once from the documents stored before it, then lists, adds and removes by _id', async () => {
    await grants().insertMany([
      { _id: 'g1', entryId: 'e1' },
      { _id: 'g2', entryId: 'e1' },
      { _id: 'g3', entryId: 'e2' },
    ]);
    const lists = new IdLists(connection, 'grants_of_scope', existing);
    assert.deepEqual((await lists.ids('entry|e1')).sort(), ['g1', 'g2']);
    const scans = await scansDuring(engines.mongoUrl, async () => {
      await lists.add(['entry|e1', 'entry|e9'], 'g4');
      await lists.add(['entry|e1'], 'g4'); // again: listed once
      await lists.remove(['entry|e1'], 'g1');
      assert.deepEqual((await lists.ids('entry|e1')).sort(), ['g2', 'g4']);
      assert.deepEqual(await lists.ids('entry|e9'), ['g4']);
      assert.deepEqual(await lists.ids('entry|none'), []);
    });
    assert.deepEqual(scans ?? [], [], 'no list operation reads a whole collection');

    // Another process (or a restart) does not fill the lists again: the marker says it was done.
    await grants().insertOne({ _id: 'g5', entryId: 'e2' });
    const again = new IdLists(connection, 'grants_of_scope', existing);
    assert.deepEqual(await again.ids('entry|e2'), ['g3']);
  });

  it('lets first writes of one key race: every id is kept', async () => {
    const lists = new IdLists(connection, 'race_lists', async function* () {});
    const ids = Array.from({ length: 8 }, (_, i) => `r${i}`);
    await Promise.all(ids.map((id) => lists.add(['k'], id)));
    assert.deepEqual((await lists.ids('k')).sort(), ids);
  });
});
