import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AccessRecord } from './access.js';
import { RefusalWindows } from './refusals.js';

let now = 0;
const windows = (alone = 2, maxSources = 100) =>
  new RefusalWindows({ windowMs: 1_000, alone, maxSources }, () => now);
const refusal = (address: string, route = '/catalogue/agencies', status = 401): AccessRecord => ({
  method: 'POST',
  route,
  params: {},
  status,
  trace: {},
  durationMs: 1,
  at: new Date(now),
  address,
});

describe('anonymous refusals are counted per source, not each made an entry (002 Điều 4.4; issue 13 §3)', () => {
  it('reports the first few of a window one by one and counts the rest into one report', () => {
    now = 0;
    const w = windows();
    const alone = Array.from({ length: 300 }, (_, i) => ((now = i), w.admit(refusal('10.0.0.1'))));
    assert.equal(alone.filter(Boolean).length, 2);
    assert.deepEqual(w.due(), [], 'the window has not ended');
    now = 1_000;
    const [aggregate, ...more] = w.due();
    assert.equal(more.length, 0);
    assert.equal(aggregate!.count, 298);
    assert.equal(aggregate!.since.getTime(), 2);
    assert.equal(aggregate!.until.getTime(), 299);
    assert.equal(aggregate!.record.address, '10.0.0.1');
  });

  it('tells sources apart by address, route and status', () => {
    now = 0;
    const w = windows(1);
    assert.equal(w.admit(refusal('10.0.0.1')), true);
    assert.equal(w.admit(refusal('10.0.0.2')), true);
    assert.equal(w.admit(refusal('10.0.0.1', '/catalogue/entries')), true);
    assert.equal(w.admit(refusal('10.0.0.1', '/catalogue/agencies', 403)), true);
    assert.equal(w.admit(refusal('10.0.0.1')), false);
  });

  it('keeps counting a source still refused when its window ends: a steady flood is one report a window', () => {
    now = 0;
    const w = windows(1);
    w.admit(refusal('10.0.0.1'));
    w.admit(refusal('10.0.0.1'));
    now = 1_000;
    assert.equal(w.due().length, 1);
    assert.equal(w.admit(refusal('10.0.0.1')), false, 'no new allowance while the flood goes on');
    now = 2_000;
    assert.equal(w.due()[0]!.count, 1);
    now = 3_000;
    assert.deepEqual(w.due(), [], 'quiet for a window: forgotten');
    assert.equal(w.size, 0);
    assert.equal(w.admit(refusal('10.0.0.1')), true);
  });

  it('stays bounded: past the sources it tells apart, refusals are counted per route without the address', () => {
    now = 0;
    const w = windows(0, 3);
    for (let i = 0; i < 1_000; i++) w.admit(refusal(`10.0.${i >> 8}.${i & 255}`));
    assert.equal(w.size, 4);
    now = 1_000;
    const overflow = w.due().find((a) => a.record.address === undefined);
    assert.equal(overflow?.count, 997);
  });

  it('reports every count at shutdown, ended window or not', () => {
    now = 0;
    const w = windows(0);
    w.admit(refusal('10.0.0.1'));
    assert.equal(w.due(true)[0]?.count, 1);
  });
});
