import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { headers } from '@nats-io/transport-node';
import fc from 'fast-check';
import { eventsOptionsFromEnv } from './nest.js';
import { KeyedScheduler, orderKeyOf } from './partition.js';

/** Lets `turns` rounds of the event loop pass: work that takes a while, without a clock. */
const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

const pieces = fc.array(fc.record({ key: fc.constantFrom('a', 'b', 'c', 'd', 'e'), turns: fc.nat(4) }), {
  maxLength: 60,
});

describe('the keyed scheduler (parallel intake, order per aggregate)', () => {
  it('runs the work of one key in the order admitted, one piece at a time, and finishes everything', async () => {
    await fc.assert(
      fc.asyncProperty(pieces, fc.integer({ min: 1, max: 8 }), async (work, limit) => {
        const scheduler = new KeyedScheduler(limit);
        const started: number[] = [];
        const finished: number[] = [];
        const running = new Set<string>();
        for (const [i, piece] of work.entries())
          await scheduler.admit(piece.key, async () => {
            assert.ok(!running.has(piece.key), `two pieces of key ${piece.key} ran at once`);
            running.add(piece.key);
            started.push(i);
            await turns(piece.turns);
            running.delete(piece.key);
            finished.push(i);
          });
        await scheduler.drain();
        assert.equal(finished.length, work.length, 'every admitted piece finishes');
        for (const key of new Set(work.map((p) => p.key))) {
          const admitted = work.flatMap((p, i) => (p.key === key ? [i] : []));
          assert.deepEqual(
            started.filter((i) => work[i]!.key === key),
            admitted,
            `key ${key} ran out of order`,
          );
        }
        assert.equal(scheduler.inFlight, 0);
        assert.equal(scheduler.keys, 0, 'no key is remembered once its work is done');
      }),
    );
  });

  it('never holds more than its limit, and admits no more while full', async () => {
    await fc.assert(
      fc.asyncProperty(pieces, fc.integer({ min: 1, max: 8 }), async (work, limit) => {
        const scheduler = new KeyedScheduler(limit);
        let running = 0;
        let most = 0;
        for (const piece of work) {
          await scheduler.admit(piece.key, async () => {
            running++;
            most = Math.max(most, running);
            await turns(piece.turns);
            running--;
          });
          // What the fetch loop sees after each admission: a place was held, never more than the limit.
          assert.ok(scheduler.inFlight <= limit, `${scheduler.inFlight} held with a limit of ${limit}`);
        }
        await scheduler.drain();
        assert.ok(most <= limit, `${most} ran at once with a limit of ${limit}`);
      }),
    );
  });

  it('runs different keys at the same time, up to the limit', async () => {
    const scheduler = new KeyedScheduler(3);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let running = 0;
    for (const key of ['a', 'b', 'c'])
      await scheduler.admit(key, async () => {
        running++;
        await gate;
      });
    await turns(1);
    assert.equal(running, 3, 'three keys run at once');
    let fourth = false;
    const admitted = scheduler.admit('d', async () => void (fourth = true)).then(() => 'admitted');
    assert.equal(await Promise.race([admitted, turns(5).then(() => 'waiting')]), 'waiting');
    release();
    await admitted;
    await scheduler.drain();
    assert.ok(fourth);
  });

  it('goes on with a key whose work threw, telling what was thrown', async () => {
    const errors: unknown[] = [];
    const scheduler = new KeyedScheduler(2, (err) => errors.push(err));
    const done: string[] = [];
    await scheduler.admit('a', async () => {
      throw new Error('boom');
    });
    await scheduler.admit('a', async () => void done.push('second'));
    await scheduler.drain();
    assert.deepEqual(done, ['second']);
    assert.equal((errors[0] as Error).message, 'boom');
  });

  it('orders an event by its aggregate (CloudEvents subject), else by its NATS subject', () => {
    const h = headers();
    h.set('ce-subject', 'entry-1');
    assert.equal(orderKeyOf({ subject: 'lgsp.catalogue.entry.updated', headers: h }), 'aggregate:entry-1');
    assert.equal(
      orderKeyOf({ subject: 'lgsp.intake.so-tp.incidents.alert.raised', headers: headers() }),
      'subject:lgsp.intake.so-tp.incidents.alert.raised',
    );
  });

  it("takes the operator's EVENT_CONCURRENCY (1 = one at a time), refusing what is not a positive integer", () => {
    assert.equal(eventsOptionsFromEnv('s', { EVENT_CONCURRENCY: '1' }).consumerConcurrency, 1);
    assert.equal(eventsOptionsFromEnv('s', {}).consumerConcurrency, undefined);
    for (const bad of ['0', '-2', '1.5', 'many'])
      assert.throws(() => eventsOptionsFromEnv('s', { EVENT_CONCURRENCY: bad }), /EVENT_CONCURRENCY/);
  });
});
