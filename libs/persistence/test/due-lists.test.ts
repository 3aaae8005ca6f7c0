import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Connection } from 'mongoose';
import { scansDuring, startEngines, type Engines } from '@openlgsp/testing';
import { openConnection } from '../src/connection.js';
import { DueLists, type DueKind } from '../src/due-lists.js';

interface Demand {
  _id: string;
  dueAt: Date;
  flaggedAt: Date | null;
}

const DAY = 86_400_000;
const overdue: DueKind<Demand> = {
  name: 'overdue',
  at: (d) => d.dueAt,
  pending: (d) => d.flaggedAt === null,
};

/** Deadlines by day, read by `_id`, for the clock-driven steps. */
describe('due lists', () => {
  let engines: Engines;
  let connection: Connection;
  const demands = () => connection.collection<Demand>('demands');
  const lists = () =>
    new DueLists<Demand>(
      connection,
      'demands_due',
      [overdue],
      (id) => demands().findOne({ _id: id }),
      () => demands().find({ flaggedAt: null }),
    );
  const flag = (id: string) => demands().updateOne({ _id: id }, { $set: { flaggedAt: new Date() } });

  before(async () => {
    engines = await startEngines({ nats: false });
    connection = await openConnection({ url: engines.mongoUrl });
  });
  after(async () => {
    await connection?.close();
    await engines?.stop();
  });

  it('finds what is due, from the store once, then from what writes schedule, by _id', async () => {
    const now = new Date('2026-12-07T09:00:00Z');
    // Stored before the lists existed: one long overdue, one due tomorrow.
    await demands().insertMany([
      { _id: 'old', dueAt: new Date(now.getTime() - 30 * DAY), flaggedAt: null },
      { _id: 'tomorrow', dueAt: new Date(now.getTime() + DAY), flaggedAt: null },
    ]);
    const due = lists();
    assert.deepEqual(
      (await due.due('overdue', now, 10)).map((d) => d._id),
      ['old'],
    );

    const scans = await scansDuring(engines.mongoUrl, async () => {
      // A write schedules before it stores; one due in the past lands on today's list.
      const late = { _id: 'late', dueAt: new Date(now.getTime() - 3 * DAY), flaggedAt: null };
      await due.schedule(late, now);
      await demands().insertOne(late);
      assert.deepEqual((await due.due('overdue', now, 10)).map((d) => d._id).sort(), ['late', 'old']);
      await flag('old');
      await flag('late');
      assert.deepEqual(await due.due('overdue', now, 10), [], 'nothing pending is due');
      const later = new Date(now.getTime() + 2 * DAY);
      assert.deepEqual(
        (await due.due('overdue', later, 10)).map((d) => d._id),
        ['tomorrow'],
      );
      // Past days with nothing pending are left behind (all but yesterday's): another instance
      // starts from there too.
      await flag('tomorrow');
      assert.deepEqual(await lists().due('overdue', later, 10), []);
    });
    assert.deepEqual(scans ?? [], [], 'after the first fill, no tick reads a whole collection');
    const cursor = await connection.collection<{ _id: string; day: string }>('demands_due').findOne({
      _id: 'overdue|~cursor',
    });
    assert.equal(cursor?.day, '2026-12-08', 'the cursor moved past the days with nothing pending');
  });

  it('lists a write behind a cursor that a later clock moved on, where the next tick reads', async () => {
    const due = lists();
    const now = new Date('2027-01-20T09:00:00Z');
    await due.due('overdue', now, 10); // the cursor moves on to 2027-01-19
    const back = new Date('2027-01-05T09:00:00Z'); // a clock set back, as tests do
    const early = { _id: 'early', dueAt: new Date('2027-01-06T00:00:00Z'), flaggedAt: null };
    await due.schedule(early, back);
    await demands().insertOne(early);
    assert.deepEqual(
      (await due.due('overdue', new Date('2027-01-07T00:00:00Z'), 10)).map((d) => d._id),
      ['early'],
    );
  });
});
