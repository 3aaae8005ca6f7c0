import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { datasetChange } from './feed.fixtures.js';
import { disconnectFrame, feedItemFrame, HEARTBEAT, sseComment, sseFrame } from './sse.js';

describe('SSE framing', () => {
  it('writes the fields of a message and ends it with a blank line', () => {
    assert.equal(
      sseFrame({ id: '7', event: 'vn.x', retry: 3000, data: '{"a":1}' }),
      'id: 7\nevent: vn.x\nretry: 3000\ndata: {"a":1}\n\n',
    );
  });

  it('splits data on every kind of line break, so no line can inject a field', () => {
    assert.equal(
      sseFrame({ data: 'one\r\nid: 99\rthree\nfour' }),
      'data: one\ndata: id: 99\ndata: three\ndata: four\n\n',
    );
    assert.equal(sseFrame({ data: '' }), 'data: \n\n');
  });

  it('refuses a multi-line id or event and a negative retry', () => {
    assert.throws(() => sseFrame({ id: '1\n2' }), RangeError);
    assert.throws(() => sseFrame({ event: 'a\rb' }), RangeError);
    assert.throws(() => sseFrame({ id: 'a\0' }), RangeError);
    assert.throws(() => sseFrame({ retry: -1 }), RangeError);
  });

  it('writes comments and heartbeats that clients ignore', () => {
    assert.equal(HEARTBEAT, ': heartbeat\n\n');
    assert.equal(sseComment('a\nb'), ': a\n: b\n\n');
  });

  it('frames a feed change with its position as id and its type as event name', () => {
    const event = datasetChange('published');
    const frame = feedItemFrame({ position: 12, event });
    const lines = frame.split('\n');
    assert.equal(lines[0], 'id: 12');
    assert.equal(lines[1], `event: ${event.type}`);
    assert.deepEqual(JSON.parse(lines[2]!.slice('data: '.length)), event);
    assert.ok(frame.endsWith('\n\n'));
  });

  it('says why a stream is closed and where to resume, as the id EventSource sends back', () => {
    assert.equal(
      disconnectFrame('too-slow', 41),
      'id: 41\nevent: disconnect\ndata: {"reason":"too-slow","lastPosition":41}\n\n',
    );
  });
});
