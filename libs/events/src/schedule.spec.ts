import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PeriodicTask } from './schedule.js';

const quiet = { error: () => undefined };

describe('a periodic task', () => {
  it('shares a run in progress instead of starting a second one', async () => {
    let runs = 0;
    let finish!: () => void;
    const task = new PeriodicTask(
      't',
      0,
      () => {
        runs++;
        return new Promise<number>((r) => (finish = () => r(runs)));
      },
      quiet,
    );
    const first = task.runNow();
    assert.equal(task.runNow(), first, 'a second call while the first runs gets the same run');
    finish();
    assert.equal(await first, 1);
    const later = task.runNow();
    finish();
    assert.equal(await later, 2, 'a call after the run ended runs again');
  });

  it('gives a failed run to its caller and runs again next time', async () => {
    let fail = true;
    const task = new PeriodicTask(
      't',
      0,
      async () => {
        if (fail) throw new Error('store away');
        return 'done';
      },
      quiet,
    );
    await assert.rejects(task.runNow(), /store away/);
    fail = false;
    assert.equal(await task.runNow(), 'done');
  });

  it('starts no timer when the interval is 0, and stops cleanly', async () => {
    const task = new PeriodicTask('t', 0, async () => 1, quiet);
    task.start();
    await task.stop();
  });
});
