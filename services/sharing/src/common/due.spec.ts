import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { countApplied } from './due.js';

describe('countApplied', () => {
  it('runs every item once, never more than the given number at a time, and counts the applied ones', async () => {
    let running = 0;
    let most = 0;
    const seen: number[] = [];
    const applied = await countApplied(
      Array.from({ length: 10 }, (_, i) => i),
      async (i) => {
        running++;
        most = Math.max(most, running);
        await new Promise((r) => setImmediate(r));
        seen.push(i);
        running--;
        return i % 2 === 0;
      },
      3,
    );
    assert.equal(applied, 5, 'the even items should count as applied');
    assert.deepEqual(
      [...seen].sort((a, b) => a - b),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      'every item should run once',
    );
    assert.equal(most, 3, 'at most three steps should be under way at once');
  });

  it('stops taking items after a failure and throws it', async () => {
    const seen: number[] = [];
    await assert.rejects(
      countApplied(
        Array.from({ length: 10 }, (_, i) => i),
        async (i) => {
          seen.push(i);
          await new Promise((r) => setImmediate(r));
          if (i === 1) throw new Error('store unreachable');
          return true;
        },
        2,
      ),
      /store unreachable/,
    );
    assert.ok(seen.length < 10, `items after the failure should not start (started ${seen.length})`);
  });

  it('counts nothing in an empty batch', async () => {
    assert.equal(await countApplied([], async () => true), 0);
  });
});
