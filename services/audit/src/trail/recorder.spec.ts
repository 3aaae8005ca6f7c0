import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_BATCH, MAX_BATCH_BYTES, batchLength } from './recorder.js';

const waiting = (...sizes: number[]) => sizes.map((n) => ({ message: { data: new Uint8Array(n) } }));

describe('a group commit’s batch (README "Group commit")', () => {
  it('takes what has queued, up to the most one insert should carry', () => {
    assert.equal(batchLength(waiting()), 0);
    assert.equal(batchLength(waiting(10, 10, 10)), 3);
    assert.equal(batchLength(waiting(...Array<number>(MAX_BATCH + 7).fill(1))), MAX_BATCH);
  });

  it('stops before the bodies pass the byte bound, but always takes one message', () => {
    const half = MAX_BATCH_BYTES / 2;
    assert.equal(batchLength(waiting(half, half, 1)), 2);
    assert.equal(batchLength(waiting(half, half + 1)), 1);
    assert.equal(batchLength(waiting(MAX_BATCH_BYTES * 2, 1)), 1);
  });
});
