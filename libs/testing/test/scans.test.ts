/**
 * lgsp-ferretdb counts the commands FerretDB v1 runs by reading a whole collection (issue 12):
 * what `takeStoreScans` and `scansDuring` read, against the real engine.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Mongoose } from 'mongoose';
import { scansDuring, startEngines, takeStoreScans, type Engines } from '../src/index.js';

describe('the store says which commands read a whole collection', () => {
  let engines: Engines;
  const mongoose = new Mongoose();
  let counted = true;

  before(async () => {
    engines = await startEngines({ nats: false });
    await mongoose.connect(engines.mongoUrl);
    counted = (await takeStoreScans(engines.mongoUrl)) !== undefined;
  });
  after(async () => {
    await mongoose.disconnect();
    await engines?.stop();
  });

  const grants = () =>
    mongoose.connection.db!.collection<{ _id: string | number; entryId?: string }>('grants');

  test('reads, updates and deletes by a string _id are not scans; any other filter is, by its shape', async (t) => {
    if (!counted) return t.skip('this store does not count scans (MongoDB)');
    await grants().insertMany([
      { _id: 'g1', entryId: 'e1' },
      { _id: 7, entryId: 'e2' },
    ]);
    const byId = await scansDuring(engines.mongoUrl, async () => {
      assert.equal((await grants().findOne({ _id: 'g1' }))?.entryId, 'e1');
      await grants().updateOne({ _id: 'g1' }, { $set: { entryId: 'e3' } });
      // a guarded write: lgsp-ferretdb checks the rest of the filter after reading by _id
      await grants().updateOne({ _id: 'g1', entryId: 'e3' }, { $set: { entryId: 'e1' } });
      await grants().find({}).limit(5).toArray(); // a limit alone goes down to SQL
      await grants().deleteOne({ _id: 'nothing' });
    });
    assert.deepEqual(byId, []);
    const scans = await scansDuring(engines.mongoUrl, async () => {
      await grants()
        .find({ entryId: 'e1', status: { $in: ['active', 'suspended'] } })
        .toArray();
      await grants()
        .find({ entryId: 'e1', status: { $in: ['active'] } })
        .toArray();
      await grants().findOne({ _id: 7 });
      await grants().countDocuments({});
    });
    assert.deepEqual(scans, [
      'grants aggregate {} ×1',
      'grants find {_id: number} ×1',
      'grants find {entryId: string, status: {$in: array}} ×2',
    ]);
  });

  test("counts only the suite's own database, and reading clears the counts", async (t) => {
    if (!counted) return t.skip('this store does not count scans (MongoDB)');
    const other = new Mongoose();
    const otherUrl = engines.mongoUrl.replace(/\/[^/?]+(\?|$)/, '/lgsp_other$1');
    await other.connect(otherUrl);
    try {
      await other.connection.db!.collection('grants').find({ entryId: 'x' }).toArray();
      await grants().find({ entryId: 'x' }).toArray();
      assert.deepEqual(await takeStoreScans(engines.mongoUrl), [
        { collection: 'grants', command: 'find', filter: '{entryId: string}', count: 1 },
      ]);
      assert.deepEqual(await takeStoreScans(engines.mongoUrl), []);
    } finally {
      await other.disconnect();
    }
  });
});
