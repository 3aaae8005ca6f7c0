/**
 * Stress test of lgsp-ferretdb's locking proxy (deploy/local/engines/ferretdb/proxy.go): with
 * commands running concurrently (no -serialize), every single-document write stays atomic as on
 * MongoDB. Many writers race guarded updates ({_id, revision}) on a few documents, so each
 * revision must have exactly one winner and no write may be lost, while unrelated inserts into
 * another collection all land. On MongoDB (MONGO_URL) the same assertions hold by themselves.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DatabaseSync } from 'node:sqlite';
import mongoose, { type Connection } from 'mongoose';
import { startEngines, type Engines } from '../src/index.js';

interface Doc {
  _id: string;
  revision: number;
  log: { revision: number; by: string }[];
  hits: number;
}

describe('concurrent guarded writes on the local store', () => {
  let engines: Engines;
  let conn: Connection;

  before(async () => {
    engines = await startEngines({ nats: false });
    conn = await mongoose.createConnection(engines.mongoUrl, { maxPoolSize: 64 }).asPromise();
  });

  after(async () => {
    await conn?.close();
    await engines?.stop();
  });

  test('exactly one winner per revision, no lost write, and every concurrent insert lands', async () => {
    const docs = conn.collection<Doc>('guarded');
    const inserts = conn.collection<{ _id: string; n: number }>('unrelated');
    const ids = ['a', 'b', 'c', 'd'];
    const revisions = 25;
    const writersPerDoc = 8;
    const insertCount = 400;
    await docs.insertMany(ids.map((_id) => ({ _id, revision: 0, log: [], hits: 0 })));

    // wins[id][revision] = writers that won that revision
    const wins = new Map(ids.map((id) => [id, new Map<number, string[]>()]));
    const record = (id: string, revision: number, by: string) => {
      const perDoc = wins.get(id)!;
      perDoc.set(revision, [...(perDoc.get(revision) ?? []), by]);
    };

    // Each writer reads the revision, then tries to move it on; half use updateOne, half
    // findOneAndUpdate, so that both commands are raced.
    const writer = async (id: string, w: number) => {
      const by = `${id}${w}`;
      for (;;) {
        const current = await docs.findOne({ _id: id });
        const revision = current!.revision;
        if (revision >= revisions) return;
        const guard = { _id: id, revision };
        const change = {
          $set: { revision: revision + 1 },
          $push: { log: { revision, by } },
          $inc: { hits: 1 },
        };
        if (w % 2 === 0) {
          const res = await docs.updateOne(guard, change);
          if (res.modifiedCount === 1) record(id, revision, by);
        } else {
          const res = await docs.findOneAndUpdate(guard, change, { returnDocument: 'before' });
          if (res !== null) {
            assert.equal(res.revision, revision, 'the winner saw the revision it guarded on');
            record(id, revision, by);
          }
        }
      }
    };

    const inserting = Promise.all(
      Array.from({ length: 16 }, async (_, lane) => {
        for (let n = lane; n < insertCount; n += 16) await inserts.insertOne({ _id: `i${n}`, n });
      }),
    );
    await Promise.all([
      ...ids.flatMap((id) => Array.from({ length: writersPerDoc }, (_, w) => writer(id, w))),
      inserting,
    ]);

    for (const id of ids) {
      const perDoc = wins.get(id)!;
      for (let r = 0; r < revisions; r++) {
        assert.equal(
          perDoc.get(r)?.length,
          1,
          `${id} revision ${r}: winners ${JSON.stringify(perDoc.get(r))}`,
        );
      }
      const stored = await docs.findOne({ _id: id });
      assert.equal(stored?.revision, revisions);
      assert.equal(stored?.hits, revisions, `${id}: no $inc lost`);
      assert.deepEqual(
        stored?.log,
        Array.from({ length: revisions }, (_, r) => ({ revision: r, by: perDoc.get(r)![0] })),
        `${id}: each winner's $push kept, in revision order`,
      );
    }
    assert.equal(await inserts.countDocuments(), insertCount);
    const landed = new Set((await inserts.find().toArray()).map((d) => d._id));
    for (let n = 0; n < insertCount; n++) assert.ok(landed.has(`i${n}`), `insert i${n} landed`);
  });

  test('a guarded write that no longer matches changes nothing, and an upsert by _id inserts once', async () => {
    const docs = conn.collection<{ _id: string; state: string; by?: number; n?: number }>('claims');
    for (let round = 0; round < 5; round++) {
      const _id = `job${round}`;
      await docs.insertOne({ _id, state: 'pending' });
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, by) =>
          docs.findOneAndUpdate({ _id, state: 'pending' }, { $set: { state: 'claimed', by } }),
        ),
      );
      const winners = results.filter((r) => r !== null);
      assert.equal(winners.length, 1, `round ${round}: ${winners.length} winners`);
      const deleted = await Promise.all(
        Array.from({ length: 5 }, () => docs.deleteOne({ _id, state: 'pending' })),
      );
      assert.equal(
        deleted.reduce((n, d) => n + d.deletedCount, 0),
        0,
        'no longer pending: nothing deleted',
      );
      assert.equal((await docs.findOne({ _id }))?.state, 'claimed');
    }
    const upserts = await Promise.all(
      Array.from({ length: 20 }, () =>
        docs.updateOne(
          { _id: 'counter' },
          { $inc: { n: 1 }, $setOnInsert: { state: 'new' } },
          { upsert: true },
        ),
      ),
    );
    assert.equal(upserts.filter((u) => u.upsertedCount === 1).length, 1);
    assert.equal((await docs.findOne({ _id: 'counter' }))?.n, 20);
  });

  test('a lookup by _id uses an SQLite index (lgsp-ferretdb adds one on the expression FerretDB queries with)', async (t) => {
    if (engines.mongo.engine !== 'ferretdb') return t.skip('only FerretDB stores documents in SQLite');
    const lookups = conn.collection<{ _id: string; n: number }>('looked_up');
    await lookups.insertMany(Array.from({ length: 50 }, (_, n) => ({ _id: `d${n}`, n })));
    assert.equal((await lookups.findOne({ _id: 'd7' }))?.n, 7);

    await searchedByIndex('looked_up');
    // Dropped and written again: a new table (FerretDB may give it the same name) gets its index too.
    await lookups.drop();
    await lookups.insertOne({ _id: 'd7', n: 7 });
    await searchedByIndex('looked_up');
  });

  async function searchedByIndex(collection: string): Promise<void> {
    // A fresh read-only connection each time: an open one may keep the schema it first read.
    const plan = () => {
      const db = new DatabaseSync(join(engines.mongo.dir!, `${conn.db!.databaseName}.sqlite`), {
        readOnly: true,
      });
      try {
        const { table_name: table } = db
          .prepare('SELECT table_name FROM _ferretdb_collections WHERE name = ?')
          .get(collection) as { table_name: string };
        // FerretDB's own statement for a find, update or delete by _id (internal/backends/sqlite).
        const steps = db
          .prepare(
            `EXPLAIN QUERY PLAN SELECT _ferretdb_sjson FROM "${table}" WHERE _ferretdb_sjson->'$._id' = ?`,
          )
          .all('"d7"') as { detail: string }[];
        return { table, plan: steps.map((row) => row.detail).join('; ') };
      } finally {
        db.close();
      }
    };
    // The index is added right after the write that created the table is answered: wait for it.
    for (let i = 0; i < 100 && !plan().plan.includes('USING INDEX'); i++) await sleep(50);
    const { table, plan: found } = plan();
    assert.match(found, new RegExp(`SEARCH .*USING INDEX ${table}_lgsp_id`), 'a search by index, not a scan');
  }
});
