import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KeyedMutex } from './keyed-mutex.js';

describe('KeyedMutex', () => {
  it('runs tasks of one key one after another, in order, even when one fails', async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    const task =
      (name: string, fail = false) =>
      async () => {
        log.push(`${name}:start`);
        await new Promise((r) => setImmediate(r));
        log.push(`${name}:end`);
        if (fail) throw new Error(name);
      };
    await Promise.allSettled([
      mutex.run('a', task('1', true)),
      mutex.run('a', task('2')),
      mutex.run('a', task('3')),
    ]);
    assert.deepEqual(log, ['1:start', '1:end', '2:start', '2:end', '3:start', '3:end']);
  });

  it('lets different keys run side by side', async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    const task = (name: string) => async () => {
      log.push(`${name}:start`);
      await new Promise((r) => setImmediate(r));
      log.push(`${name}:end`);
    };
    await Promise.all([mutex.run('a', task('a')), mutex.run('b', task('b'))]);
    assert.deepEqual(log, ['a:start', 'b:start', 'a:end', 'b:end']);
  });
});
