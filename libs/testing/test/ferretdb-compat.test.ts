/**
 * Compatibility probe: what Mongoose 9 can rely on with our local store, FerretDB v1.24 (SQLite)
 * as run by lgsp-ferretdb. Each test asserts real behaviour; where FerretDB differs from
 * MongoDB the FerretDB branch asserts the error (or the wrong result) so that the test
 * documents it, and the MongoDB branch (MONGO_URL or a mongod on PATH) asserts MongoDB's.
 *
 * Works on both: unique (11000) and compound indexes, conditional findOneAndUpdate (atomic
 * only thanks to lgsp-ferretdb's locking proxy), $set/$inc/$push($each)/
 * $addToSet/$pullAll/$pull of an exact subdocument, "items.N.field" paths, Mongoose array
 * saves (push, element change, whole-array replace), dotted-path queries into arrays, optimistic concurrency, upserts,
 * range + sort + limit pagination, $in, case-insensitive $regex, countDocuments,
 * estimatedDocumentCount, distinct, $match/$group (one accumulator)/$sort/$unwind/$count/
 * $skip/$limit/$project (inclusion)/$set/$unset stages, bulkWrite (ordered and unordered).
 *
 * Differs on FerretDB v1.24 (see the tests below for the exact errors):
 *   - silently wrong: $pull with a condition ({ sku: 'a' }, { $in: [...] }, and so Mongoose's
 *     doc.arr.pull(id) / subdoc.deleteOne()) removes nothing; $push's $position/$slice/$sort
 *     are ignored (appends); $elemMatch with operators on subdocument fields matches nothing
 *     (with plain fields it is rejected). Use dotted paths ('items.sku') in queries, and
 *     replace the whole array (doc.set('items', filtered)) to remove or reorder elements.
 *   - $group fills only its first accumulator (the others come back 0); only $sum and $count
 *     accumulators exist. $project with an expression returns the expression as a string.
 *   - not implemented: positional $ / $[] / arrayFilters, text indexes and $text, $facet,
 *     $lookup, $sortByCount, $replaceRoot, $expr, $avg/$min/$max/$first/$push/$addToSet
 *     accumulators, collation, TTL and partial indexes, pipeline updates, transactions;
 *     Decimal128 values make FerretDB drop the connection.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import mongoose, { Schema, type Connection } from 'mongoose';
import { startEngines, type Engines } from '../src/index.js';

const NOT_IMPLEMENTED = 238;

describe('Mongoose 9 on FerretDB v1 (compatibility probe)', () => {
  let engines: Engines;
  let conn: Connection;
  let onFerret: boolean;
  let seq = 0;
  /** A model on a collection of its own. */
  const model = <TSchema extends Schema>(schema: TSchema) =>
    conn.model(`Probe${++seq}`, schema, `probe_${seq}`);

  before(async () => {
    engines = await startEngines({ nats: false });
    conn = await mongoose.createConnection(engines.mongoUrl).asPromise();
    onFerret = engines.mongo.engine === 'ferretdb';
  });

  after(async () => {
    await conn?.close();
    await engines?.stop();
  });

  describe('indexes', () => {
    test('unique index: duplicate key error 11000, also in unordered insertMany', async () => {
      const Users = model(new Schema({ email: { type: String, unique: true } }));
      await Users.init();
      const indexes = await Users.collection.indexes();
      assert.ok(indexes.some((i) => i.name === 'email_1' && i.unique === true));

      await Users.create({ email: 'a@example.org' });
      await assert.rejects(Users.create({ email: 'a@example.org' }), { code: 11000 });

      await assert.rejects(
        Users.insertMany(
          [{ email: 'b@example.org' }, { email: 'a@example.org' }, { email: 'c@example.org' }],
          {
            ordered: false,
          },
        ),
        { code: 11000, name: 'MongoBulkWriteError' },
      );
      assert.equal(await Users.countDocuments(), 3);
    });

    test('compound indexes, plain and unique', async () => {
      const schema = new Schema({ tenant: String, key: String, createdAt: Date });
      schema.index({ tenant: 1, createdAt: -1 });
      schema.index({ tenant: 1, key: 1 }, { unique: true });
      const Things = model(schema);
      await Things.init();
      const keys = (await Things.collection.indexes()).map((i) => JSON.stringify(i.key));
      assert.ok(keys.includes('{"tenant":1,"createdAt":-1}'));
      assert.ok(keys.includes('{"tenant":1,"key":1}'));

      await Things.create({ tenant: 't1', key: 'k' });
      await Things.create({ tenant: 't2', key: 'k' });
      await assert.rejects(Things.create({ tenant: 't1', key: 'k' }), { code: 11000 });
    });

    test('text indexes and $text are not supported on FerretDB', async () => {
      const Docs = model(new Schema({ title: String }).index({ title: 'text' }));
      if (onFerret) {
        await assert.rejects(Docs.init(), { code: 27, codeName: 'IndexNotFound' });
        await Docs.create({ title: 'hello world' });
        await assert.rejects(Docs.find({ $text: { $search: 'hello' } }).lean(), {
          code: 2,
          message: /\$text/,
        });
      } else {
        await Docs.init();
        await Docs.create([{ title: 'hello world' }, { title: 'bye' }]);
        assert.equal((await Docs.find({ $text: { $search: 'hello' } }).lean()).length, 1);
      }
    });

    test('TTL and partial indexes are not implemented on FerretDB', async (t) => {
      if (!onFerret) return t.skip('documents a FerretDB limit');
      const Coll = model(new Schema({ at: Date, p: String })).collection;
      await assert.rejects(Coll.createIndex({ at: 1 }, { expireAfterSeconds: 60 }), {
        code: NOT_IMPLEMENTED,
      });
      await assert.rejects(
        Coll.createIndex({ p: 1 }, { partialFilterExpression: { p: { $exists: true } } }),
        {
          code: NOT_IMPLEMENTED,
        },
      );
    });
  });

  describe('conditional and concurrent writes', () => {
    test('findOneAndUpdate with the status in the filter: exactly one winner when raced', async () => {
      const Jobs = model(new Schema({ status: String, by: Number }));
      for (let round = 0; round < 5; round++) {
        const job = await Jobs.create({ status: 'pending' });
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            Jobs.findOneAndUpdate(
              { _id: job._id, status: 'pending' },
              { $set: { status: 'claimed', by: i } },
              { returnDocument: 'after' },
            ).lean(),
          ),
        );
        const winners = results.filter((r) => r !== null);
        assert.equal(winners.length, 1, `round ${round}: ${winners.length} winners`);
        assert.equal((await Jobs.findById(job._id).lean())?.by, winners[0]?.by);
        // too late: null
        assert.equal(await Jobs.findOneAndUpdate({ _id: job._id, status: 'pending' }, { status: 'x' }), null);
      }
    });

    test('concurrent $inc loses no increment', async () => {
      const Counters = model(new Schema({ n: Number }));
      const counter = await Counters.create({ n: 0 });
      await Promise.all(
        Array.from({ length: 30 }, () => Counters.updateOne({ _id: counter._id }, { $inc: { n: 1 } })),
      );
      assert.equal((await Counters.findById(counter._id).lean())?.n, 30);
    });

    test('optimistic concurrency: a stale save fails with VersionError', async () => {
      const Docs = model(new Schema({ n: Number }, { optimisticConcurrency: true }));
      const { _id } = await Docs.create({ n: 0 });
      const [a, b] = await Promise.all([Docs.findById(_id).orFail(), Docs.findById(_id).orFail()]);
      a.n = 1;
      await a.save();
      b.n = 2;
      await assert.rejects(b.save(), { name: 'VersionError' });
    });

    test('upsert with $setOnInsert, and findOneAndUpdate upsert', async () => {
      const Docs = model(new Schema({ key: String, created: Number, seen: Number }));
      await Docs.updateOne(
        { key: 'a' },
        { $setOnInsert: { created: 1 }, $set: { seen: 1 } },
        { upsert: true },
      );
      await Docs.updateOne(
        { key: 'a' },
        { $setOnInsert: { created: 2 }, $set: { seen: 2 } },
        { upsert: true },
      );
      assert.deepEqual(await Docs.findOne({ key: 'a' }, { _id: 0, key: 1, created: 1, seen: 1 }).lean(), {
        key: 'a',
        created: 1,
        seen: 2,
      });
      const made = await Docs.findOneAndUpdate(
        { key: 'b' },
        { $inc: { seen: 1 } },
        { upsert: true, returnDocument: 'after' },
      );
      assert.equal(made?.seen, 1);
    });
  });

  describe('arrays of subdocuments', () => {
    const orderSchema = () =>
      new Schema({
        status: String,
        counters: { n: Number },
        tags: [String],
        items: [{ sku: String, qty: Number }],
      });

    test('$set, $inc, $push/$each, $addToSet/$each, $pullAll, exact-subdocument $pull, items.N paths', async () => {
      const Orders = model(orderSchema());
      const { _id } = await Orders.create({
        status: 'new',
        counters: { n: 0 },
        tags: ['x'],
        items: [{ sku: 'a', qty: 1 }],
      });
      const res = await Orders.updateOne(
        { _id },
        {
          $set: { status: 'open' },
          $inc: { 'counters.n': 2 },
          $push: {
            items: {
              $each: [
                { sku: 'b', qty: 2 },
                { sku: 'c', qty: 3 },
              ],
            },
          },
          $addToSet: { tags: { $each: ['x', 'y', 'z'] } },
        },
      );
      assert.equal(res.modifiedCount, 1);
      await Orders.updateOne({ _id }, { $set: { 'items.1.qty': 10 }, $pullAll: { tags: ['z'] } });

      let doc = await Orders.findById(_id).lean().orFail();
      assert.equal(doc.status, 'open');
      assert.equal(doc.counters?.n, 2);
      assert.deepEqual(doc.tags, ['x', 'y']);
      assert.deepEqual(
        doc.items.map((i) => [i.sku, i.qty]),
        [
          ['a', 1],
          ['b', 10],
          ['c', 3],
        ],
      );

      // $pull of a whole, exactly equal subdocument (Mongoose adds _id to each item)
      const b = doc.items[1]!;
      await Orders.updateOne({ _id }, { $pull: { items: { _id: b._id, sku: 'b', qty: 10 } } });
      doc = await Orders.findById(_id).lean().orFail();
      assert.deepEqual(
        doc.items.map((i) => i.sku),
        ['a', 'c'],
      );
    });

    test('$push modifiers $position, $slice and $sort are silently ignored on FerretDB', async () => {
      const Lists = model(new Schema({ a: [Number] }));
      const results: Record<string, number[]> = {};
      for (const [name, modifiers] of Object.entries({
        position: { $position: 0 },
        slice: { $slice: -2 },
        sort: { $sort: -1 },
      })) {
        const { _id } = await Lists.create({ a: [1, 2] });
        await Lists.updateOne({ _id }, { $push: { a: { $each: [3], ...modifiers } } });
        results[name] = (await Lists.findById(_id).lean().orFail()).a;
      }
      assert.deepEqual(
        results,
        onFerret
          ? { position: [1, 2, 3], slice: [1, 2, 3], sort: [1, 2, 3] }
          : { position: [3, 1, 2], slice: [2, 3], sort: [3, 2, 1] },
      );
    });

    test('Mongoose document saves: push, change an element, replace the whole array', async () => {
      const Orders = model(orderSchema());
      const order = await Orders.create({ items: [{ sku: 'a', qty: 1 }] });
      order.items.push({ sku: 'b', qty: 2 }, { sku: 'c', qty: 3 }); // $push $each
      await order.save();
      const loaded = await Orders.findById(order._id).orFail();
      loaded.items[0]!.qty = 5; // $set items.0.qty
      await loaded.save();
      loaded.set(
        'items',
        loaded.items.filter((i) => i.sku !== 'b'),
      ); // $set items: the way to remove elements that works on FerretDB
      await loaded.save();
      const doc = await Orders.findById(order._id).lean().orFail();
      assert.deepEqual(
        doc.items.map((i) => [i.sku, i.qty]),
        [
          ['a', 5],
          ['c', 3],
        ],
      );
    });

    test('$pull with a condition (and Mongoose doc.items.pull) is a silent no-op on FerretDB', async () => {
      const Orders = model(orderSchema());
      const order = await Orders.create({
        tags: ['x', 'y'],
        items: [
          { sku: 'a', qty: 1 },
          { sku: 'b', qty: 2 },
        ],
      });
      const byField = await Orders.updateOne({ _id: order._id }, { $pull: { items: { sku: 'a' } } });
      const byIn = await Orders.updateOne({ _id: order._id }, { $pull: { tags: { $in: ['x'] } } });
      order.items.pull(order.items[1]!._id); // Mongoose sends { $pull: { items: { _id: { $in: [id] } } } }
      await order.save();
      const doc = await Orders.findById(order._id).lean().orFail();
      if (onFerret) {
        assert.equal(byField.modifiedCount, 0);
        assert.equal(byIn.modifiedCount, 0);
        assert.deepEqual(
          doc.items.map((i) => i.sku),
          ['a', 'b'],
        );
        assert.deepEqual(doc.tags, ['x', 'y']);
      } else {
        assert.equal(byField.modifiedCount, 1);
        assert.deepEqual(doc.items, []);
        assert.deepEqual(doc.tags, ['y']);
      }
    });

    test('positional $, $[] and arrayFilters are rejected on FerretDB', async () => {
      const Orders = model(orderSchema());
      const { _id } = await Orders.create({
        items: [
          { sku: 'a', qty: 1 },
          { sku: 'b', qty: 2 },
        ],
      });
      const positional = Orders.updateOne({ _id, 'items.sku': 'b' }, { $set: { 'items.$.qty': 5 } });
      const all = Orders.updateOne({ _id }, { $inc: { 'items.$[].qty': 1 } });
      const filtered = Orders.updateOne(
        { _id },
        { $set: { 'items.$[i].qty': 9 } },
        { arrayFilters: [{ 'i.sku': 'a' }] },
      );
      if (onFerret) {
        await assert.rejects(positional, { code: 28, message: /Cannot create field '\$'/ });
        await assert.rejects(all, { code: 28, message: /Cannot create field '\$\[\]'/ });
        await assert.rejects(filtered, { code: NOT_IMPLEMENTED, message: /arrayFilters/ });
      } else {
        await positional;
        await all;
        await filtered;
        const doc = await Orders.findById(_id).lean().orFail();
        assert.deepEqual(
          doc.items.map((i) => i.qty),
          [9, 7],
        );
      }
    });

    test('queries into arrays: dotted paths work; $elemMatch on subdocument fields does not on FerretDB', async () => {
      const Orders = model(orderSchema());
      await Orders.create([
        { tags: ['x', 'y'], items: [{ sku: 'a', qty: 5 }] },
        { tags: [], items: [{ sku: 'b', qty: 1 }] },
      ]);
      assert.equal(await Orders.countDocuments({ 'items.sku': 'a' }), 1);
      assert.equal(await Orders.countDocuments({ 'items.qty': { $gt: 2 } }), 1);
      assert.equal(await Orders.countDocuments({ 'items.sku': 'a', 'items.qty': { $gte: 5 } }), 1);
      assert.equal(await Orders.countDocuments({ tags: { $size: 0 } }), 1);
      assert.equal(await Orders.countDocuments({ tags: { $all: ['y', 'x'] } }), 1);
      assert.equal(await Orders.countDocuments({ tags: { $elemMatch: { $eq: 'x' } } }), 1); // on scalars: fine

      const byOperator = await Orders.countDocuments({ items: { $elemMatch: { qty: { $gt: 2 } } } });
      assert.equal(byOperator, onFerret ? 0 : 1); // FerretDB: silently no match
      const byField = Orders.countDocuments({ items: { $elemMatch: { sku: 'a', qty: { $gte: 1 } } } });
      if (onFerret) await assert.rejects(byField, { code: 2, message: /unknown operator: sku/ });
      else assert.equal(await byField, 1);
    });
  });

  describe('queries', () => {
    test('cursor pagination on {_id}: range filter + sort + limit', async () => {
      const Events = model(new Schema({ i: Number }));
      await Events.insertMany(Array.from({ length: 25 }, (_, i) => ({ i })));
      const seen: number[] = [];
      let after: mongoose.Types.ObjectId | undefined;
      for (;;) {
        const page = await Events.find(after ? { _id: { $gt: after } } : {})
          .sort({ _id: 1 })
          .limit(10)
          .lean();
        if (page.length === 0) break;
        seen.push(...page.map((e) => e.i!));
        after = page.at(-1)!._id;
      }
      assert.deepEqual(
        seen,
        Array.from({ length: 25 }, (_, i) => i),
      );
    });

    test('cursor pagination on {createdAt, _id} descending, with ties', async () => {
      const schema = new Schema({ i: Number, createdAt: Date });
      schema.index({ createdAt: -1, _id: -1 });
      const Events = model(schema);
      const base = Date.UTC(2025, 0, 1);
      // 3 documents per timestamp: ties must be broken by _id
      await Events.insertMany(
        Array.from({ length: 21 }, (_, i) => ({ i, createdAt: new Date(base + Math.floor(i / 3) * 1000) })),
      );
      const expected = (await Events.find().lean()).sort(
        (a, b) =>
          b.createdAt!.getTime() - a.createdAt!.getTime() || (b._id.toString() < a._id.toString() ? -1 : 1),
      );

      const seen: string[] = [];
      let cursor: { createdAt: Date; _id: mongoose.Types.ObjectId } | undefined;
      for (;;) {
        const filter = cursor
          ? {
              $or: [
                { createdAt: { $lt: cursor.createdAt } },
                { createdAt: cursor.createdAt, _id: { $lt: cursor._id } },
              ],
            }
          : {};
        const page = await Events.find(filter).sort({ createdAt: -1, _id: -1 }).limit(4).lean();
        if (page.length === 0) break;
        seen.push(...page.map((e) => e._id.toString()));
        const last = page.at(-1)!;
        cursor = { createdAt: last.createdAt!, _id: last._id };
      }
      assert.deepEqual(
        seen,
        expected.map((e) => e._id.toString()),
      );
      // a plain range filter on dates
      const window = await Events.countDocuments({
        createdAt: { $gte: new Date(base + 1000), $lt: new Date(base + 3000) },
      });
      assert.equal(window, 6);
    });

    test('$in, case-insensitive $regex, countDocuments, estimatedDocumentCount, distinct', async () => {
      const People = model(new Schema({ name: String, city: String }));
      await People.insertMany([
        { name: 'Ana', city: 'Hanoi' },
        { name: 'anatole', city: 'Hue' },
        { name: 'Bao (Jr.)', city: 'Hanoi' },
        { name: 'Chi', city: 'Da Nang' },
      ]);
      assert.equal(await People.countDocuments({ city: { $in: ['Hue', 'Da Nang'] } }), 2);
      assert.equal(await People.countDocuments({ city: { $nin: ['Hue', 'Da Nang'] } }), 2);
      assert.deepEqual(
        (
          await People.find({ name: { $regex: '^ana', $options: 'i' } })
            .sort({ name: 1 })
            .lean()
        ).map((p) => p.name),
        ['Ana', 'anatole'],
      );
      assert.equal(await People.countDocuments({ name: /^ANA$/i }), 1);
      const userInput = 'bao (jr.'.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); // escaped search text
      assert.equal(await People.countDocuments({ name: { $regex: userInput, $options: 'i' } }), 1);
      assert.equal(await People.countDocuments({ city: 'Hanoi' }), 2);
      assert.equal(await People.estimatedDocumentCount(), 4);
      assert.deepEqual((await People.distinct('city')).sort(), ['Da Nang', 'Hanoi', 'Hue']);
    });
  });

  describe('aggregation', () => {
    const seed = async () => {
      const Cases = model(new Schema({ status: String, agency: String, n: Number, tags: [String] }));
      await Cases.insertMany([
        { status: 'open', agency: 'A', n: 1, tags: ['land', 'tax'] },
        { status: 'open', agency: 'B', n: 2, tags: ['tax'] },
        { status: 'closed', agency: 'A', n: 3, tags: [] },
        { status: 'open', agency: 'A', n: 4, tags: ['land'] },
      ]);
      return Cases;
    };

    test('$match + $group + $sort: facet counts', async () => {
      const Cases = await seed();
      const byAgency = await Cases.aggregate<{ _id: string; count: number }>([
        { $match: { status: 'open' } },
        { $group: { _id: '$agency', count: { $sum: 1 } } },
        { $sort: { count: -1, _id: 1 } },
      ]);
      assert.deepEqual(byAgency, [
        { _id: 'A', count: 2 },
        { _id: 'B', count: 1 },
      ]);
      const totals = await Cases.aggregate([
        { $group: { _id: '$status', total: { $sum: '$n' } } },
        { $sort: { _id: 1 } },
      ]);
      assert.deepEqual(totals, [
        { _id: 'closed', total: 3 },
        { _id: 'open', total: 7 },
      ]);
      const counted = await Cases.aggregate([
        { $group: { _id: { s: '$status', a: '$agency' }, c: { $count: {} } } },
        { $sort: { c: -1 } },
        { $limit: 1 },
      ]);
      assert.deepEqual(counted, [{ _id: { s: 'open', a: 'A' }, c: 2 }]);
      assert.deepEqual(await Cases.aggregate([{ $match: { agency: 'A' } }, { $count: 'c' }]), [{ c: 3 }]);
    });

    test('$unwind + $group: counts per array element', async () => {
      const Cases = await seed();
      const tags = await Cases.aggregate([
        { $unwind: '$tags' },
        { $group: { _id: '$tags', count: { $sum: 1 } } },
        { $sort: { _id: 1 } },
      ]);
      assert.deepEqual(tags, [
        { _id: 'land', count: 2 },
        { _id: 'tax', count: 2 },
      ]);
    });

    test('$group fills only its first accumulator on FerretDB', async () => {
      const Cases = await seed();
      const rows = await Cases.aggregate([
        { $group: { _id: '$status', count: { $sum: 1 }, total: { $sum: '$n' } } },
        { $sort: { _id: 1 } },
      ]);
      assert.deepEqual(
        rows,
        onFerret
          ? [
              { _id: 'closed', count: 1, total: 0 }, // wrong: should be 3
              { _id: 'open', count: 3, total: 0 }, // wrong: should be 7
            ]
          : [
              { _id: 'closed', count: 1, total: 3 },
              { _id: 'open', count: 3, total: 7 },
            ],
      );
    });

    test('$group accumulators other than $sum and $count are not implemented on FerretDB', async (t) => {
      if (!onFerret) return t.skip('documents a FerretDB limit');
      const Cases = await seed();
      for (const op of ['$avg', '$min', '$max', '$first', '$last', '$push', '$addToSet']) {
        const group = { $group: { _id: '$status', v: { [op]: '$n' } } } as mongoose.PipelineStage;
        await assert.rejects(Cases.aggregate([group]), {
          code: NOT_IMPLEMENTED,
          message: new RegExp(`\\${op}`),
        });
      }
    });

    test('$project/$set/$unset stages; expressions are not evaluated on FerretDB', async () => {
      const Cases = await seed();
      const projected = await Cases.aggregate([{ $match: { n: 1 } }, { $project: { _id: 0, status: 1 } }]);
      assert.deepEqual(projected, [{ status: 'open' }]);
      const set = await Cases.aggregate([
        { $match: { n: 1 } },
        { $set: { flag: true } },
        { $unset: ['_id', 'tags', '__v'] },
      ]);
      assert.deepEqual(set, [{ status: 'open', agency: 'A', n: 1, flag: true }]);
      const renamed = await Cases.aggregate([{ $match: { n: 1 } }, { $project: { _id: 0, who: '$agency' } }]);
      assert.deepEqual(renamed, [{ who: onFerret ? '$agency' : 'A' }]);
    });

    test('$facet, $lookup, $sortByCount, $replaceRoot and $expr are not implemented on FerretDB', async (t) => {
      if (!onFerret) return t.skip('documents a FerretDB limit');
      const Cases = await seed();
      for (const stage of [
        { $facet: { a: [{ $match: {} }] } },
        { $lookup: { from: 'x', localField: 'a', foreignField: 'b', as: 'j' } },
        { $sortByCount: '$agency' },
        { $replaceRoot: { newRoot: { a: '$agency' } } },
        { $match: { $expr: { $gt: ['$n', 1] } } },
      ]) {
        await assert.rejects(Cases.aggregate([stage]), { code: NOT_IMPLEMENTED }, JSON.stringify(stage));
      }
    });
  });

  describe('bulk writes', () => {
    test('bulkWrite with mixed operations', async () => {
      const Items = model(new Schema({ key: { type: String, unique: true }, n: Number, small: Boolean }));
      await Items.init();
      await Items.create([
        { key: 'a', n: 1 },
        { key: 'b', n: 2 },
      ]);
      const res = await Items.bulkWrite([
        { insertOne: { document: { key: 'c', n: 3 } } },
        { updateOne: { filter: { key: 'a' }, update: { $inc: { n: 10 } } } },
        { updateOne: { filter: { key: 'd' }, update: { $set: { n: 4 } }, upsert: true } },
        { updateMany: { filter: { n: { $lt: 5 } }, update: { $set: { small: true } } } },
        { replaceOne: { filter: { key: 'c' }, replacement: { key: 'c', n: 30 } } },
        { deleteOne: { filter: { key: 'b' } } },
      ]);
      assert.equal(res.insertedCount, 1);
      assert.equal(res.upsertedCount, 1);
      assert.equal(res.deletedCount, 1);
      assert.equal(res.matchedCount, 1 + 3 + 1);
      assert.deepEqual(
        (await Items.find().sort({ key: 1 }).lean()).map((i) => [i.key, i.n]),
        [
          ['a', 11],
          ['c', 30],
          ['d', 4],
        ],
      );

      await assert.rejects(
        Items.bulkWrite(
          [{ insertOne: { document: { key: 'a' } } }, { insertOne: { document: { key: 'e', n: 5 } } }],
          { ordered: false },
        ),
        { code: 11000 },
      );
      assert.equal(await Items.countDocuments({ key: 'e' }), 1);
    });
  });

  describe('other FerretDB limits', () => {
    test('collation, pipeline updates, transactions, nested arrays, Decimal128', async (t) => {
      if (!onFerret) return t.skip('documents FerretDB limits');
      const Things = model(new Schema({ name: String }, { strict: false }));
      await Things.create({ name: 'a' });
      await assert.rejects(Things.find({ name: 'A' }).collation({ locale: 'en', strength: 2 }).lean(), {
        code: NOT_IMPLEMENTED,
        message: /collation/,
      });
      await assert.rejects(Things.collection.updateOne({ name: 'a' }, [{ $set: { b: 1 } }]), { code: 14 });
      const session = await conn.startSession();
      try {
        await assert.rejects(session.withTransaction(() => Things.create([{ name: 't' }], { session })));
      } finally {
        await session.endSession();
      }
      await assert.rejects(Things.collection.insertOne({ nested: [[1, 2]] }), {
        code: 2,
        message: /nested arrays/,
      });
      await assert.rejects(Things.collection.insertOne({ m: { 'a.b': 1 } }), {
        code: 2,
        message: /must not contain '\.'/,
      });
      await assert.rejects(Things.collection.insertOne({ m: { $a: 1 } }), {
        code: 2,
        message: /must not start with '\$'/,
      });

      // FerretDB v1 drops the connection on a Decimal128 value: use a connection of its own
      const other = await mongoose.createConnection(engines.mongoUrl).asPromise();
      try {
        await assert.rejects(
          other.collection('decimals').insertOne({ v: mongoose.Types.Decimal128.fromString('1.5') }),
          { name: 'MongoNetworkError' },
        );
      } finally {
        await other.close();
      }
      assert.equal(await Things.countDocuments({ name: 'a' }), 1); // the server is still fine
    });
  });
});
