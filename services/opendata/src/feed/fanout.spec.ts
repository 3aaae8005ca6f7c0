import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ANY_CHANGE } from './feed.model.js';
import { datasetChange } from './feed.fixtures.js';
import { FANOUT_DEFAULTS, FeedClient, type FeedWriter, type StreamEntry } from './fanout.js';
import { parseFeedFilter } from './position.rules.js';

/** A writer that takes `capacity` chunks before asking to wait for 'drain'. */
class FakeWriter implements FeedWriter {
  chunks: string[] = [];
  ended = false;
  private listeners: Record<string, (() => void)[]> = {};
  constructor(public capacity = Infinity) {}
  write(chunk: string): boolean {
    this.chunks.push(chunk);
    return this.chunks.length < this.capacity;
  }
  on(event: 'drain' | 'close', listener: () => void) {
    (this.listeners[event] ??= []).push(listener);
    return this;
  }
  end(): void {
    this.ended = true;
    for (const l of this.listeners.close ?? []) l(); // as a socket does once ended
  }
  drain(more = Infinity): void {
    this.capacity = this.chunks.length + more;
    for (const l of this.listeners.drain ?? []) l();
  }
  /** The positions of the change frames written, in order. */
  positions(): number[] {
    return this.chunks.flatMap((c) => {
      const id = /^id: (\d+)\nevent: vn\./.exec(c);
      return id ? [Number(id[1])] : [];
    });
  }
}

const change = (position: number, ownerAgency = 'SGDDT'): StreamEntry => ({
  position,
  event: datasetChange('updated', { ownerAgency }),
});
const limits = { ...FANOUT_DEFAULTS, maxQueuedItems: 4 };
function client(writer: FeedWriter, filter = ANY_CHANGE) {
  return new FeedClient(writer, filter, limits, () => undefined);
}

describe('a feed client', () => {
  it('serves the live tail after its starting position, skipping what it already has', () => {
    const writer = new FakeWriter();
    const c = client(writer);
    c.begin(5, 5, () => Promise.reject(new Error('no replay expected')));
    for (const p of [4, 5, 6, 7]) c.offerLive(change(p));
    assert.deepEqual(writer.positions(), [6, 7]);
    assert.equal(c.position, 7);
  });

  it('moves its position past changes its filter leaves out', () => {
    const writer = new FakeWriter();
    const filter = parseFeedFilter({ publisher: 'STTTT' });
    assert.ok(filter.ok);
    const c = client(writer, filter.value);
    c.begin(0, 0, () => Promise.reject(new Error('no replay expected')));
    c.offerLive(change(1, 'STTTT'));
    c.offerLive(change(2, 'SGDDT'));
    c.offerLive({ position: 3 });
    assert.deepEqual(writer.positions(), [1]);
    assert.equal(c.position, 3);
  });

  it('disconnects a client whose queue overflows, naming the reason and the last position written', () => {
    const writer = new FakeWriter(2);
    const c = client(writer);
    c.begin(0, 0, () => Promise.reject(new Error('no replay expected')));
    for (let p = 1; p <= 7; p++) c.offerLive(change(p));
    assert.deepEqual(writer.positions(), [1, 2]);
    assert.equal(
      writer.chunks.at(-1),
      'id: 2\nevent: disconnect\ndata: {"reason":"too-slow","lastPosition":2}\n\n',
    );
    assert.ok(writer.ended);
    assert.equal(c.closedBecause, 'too-slow');
  });

  it('writes what is queued once the writer drains', () => {
    const writer = new FakeWriter(1);
    const c = client(writer);
    c.begin(0, 0, () => Promise.reject(new Error('no replay expected')));
    for (let p = 1; p <= 3; p++) c.offerLive(change(p));
    assert.deepEqual(writer.positions(), [1]);
    writer.drain();
    assert.deepEqual(writer.positions(), [1, 2, 3]);
  });

  it('joins the live tail after its replay without a gap or a duplicate', async () => {
    const writer = new FakeWriter();
    const c = client(writer);
    // Registered at stream end 6, resuming after 2; the live tail brings 5..9 meanwhile.
    let replaying = false;
    c.begin(2, 6, async () => {
      replaying = true;
    });
    for (const p of [5, 6, 7, 8, 9]) c.offerLive(change(p));
    assert.ok(replaying);
    assert.equal(c.cursorPosition, 2);
    for (const p of [3, 4]) c.accept(change(p));
    assert.ok(!c.caughtUp(), 'not caught up before the stream end at registration');
    for (const p of [5, 6]) c.accept(change(p));
    assert.ok(c.caughtUp());
    c.goLive();
    c.offerLive(change(10));
    assert.deepEqual(writer.positions(), [3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('keeps only a bounded live tail while replaying, and replays further to cover what it dropped', () => {
    const writer = new FakeWriter();
    const c = client(writer);
    c.begin(0, 2, async () => undefined);
    for (let p = 3; p <= 10; p++) c.offerLive(change(p)); // 4 kept: 7..10
    for (const p of [1, 2]) c.accept(change(p));
    assert.ok(!c.caughtUp(), 'must still replay 3..6, dropped from the collected tail');
    for (const p of [3, 4, 5, 6]) c.accept(change(p));
    assert.ok(c.caughtUp());
    c.goLive();
    assert.deepEqual(writer.positions(), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('disconnects a replaying client whose socket takes nothing for too long', async () => {
    const writer = new FakeWriter(1);
    const c = new FeedClient(writer, ANY_CHANGE, { ...limits, maxStallMs: 20 }, () => undefined);
    c.begin(0, 100, async () => undefined);
    for (const p of [1, 2, 3, 4]) c.accept(change(p));
    await c.room(); // never drains: released by the disconnect
    assert.equal(c.closedBecause, 'too-slow');
    assert.equal(
      writer.chunks.at(-1),
      'id: 1\nevent: disconnect\ndata: {"reason":"too-slow","lastPosition":1}\n\n',
    );
  });
});
