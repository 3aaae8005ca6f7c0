import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RangeNotSatisfiableError } from './errors.js';
import { contentRange, parseRangeHeader, rangeHeader, resolveRange, type ByteRange } from './range.js';

describe('parseRangeHeader (RFC 9110 §14.1.2)', () => {
  const cases: [string | undefined, ByteRange | undefined][] = [
    [undefined, undefined],
    ['bytes=0-499', { start: 0, end: 499 }],
    ['bytes=500-', { start: 500 }],
    ['bytes=-500', { suffix: 500 }],
    [' bytes=5-5 ', { start: 5, end: 5 }],
    ['bytes=9-3', undefined], // invalid: whole object
    ['bytes=0-1,4-5', undefined], // several ranges: we may send the whole object
    ['items=0-5', undefined],
    ['bytes=-', undefined],
    ['bytes=abc', undefined],
  ];
  for (const [header, expected] of cases) {
    test(`${JSON.stringify(header)} → ${JSON.stringify(expected)}`, () =>
      assert.deepEqual(parseRangeHeader(header), expected));
  }
});

describe('resolveRange', () => {
  const size = 10;
  const cases: [ByteRange, { start: number; end: number }][] = [
    [
      { start: 0, end: 3 },
      { start: 0, end: 3 },
    ],
    [{ start: 4 }, { start: 4, end: 9 }],
    [
      { start: 8, end: 100 },
      { start: 8, end: 9 },
    ],
    [{ suffix: 3 }, { start: 7, end: 9 }],
    [{ suffix: 50 }, { start: 0, end: 9 }],
  ];
  for (const [range, expected] of cases) {
    test(`${JSON.stringify(range)} of ${size} bytes → ${JSON.stringify(expected)}`, () =>
      assert.deepEqual(resolveRange(range, size), expected));
  }

  for (const [range, objectSize] of [
    [{ start: 10 }, 10],
    [{ start: 0 }, 0],
    [{ suffix: 0 }, 10],
    [{ suffix: 5 }, 0],
    [{ start: -1 }, 10],
    [{ start: 5, end: 2 }, 10],
  ] as [ByteRange, number][]) {
    test(`${JSON.stringify(range)} of ${objectSize} bytes is not satisfiable`, () => {
      assert.throws(
        () => resolveRange(range, objectSize),
        (error: unknown) =>
          error instanceof RangeNotSatisfiableError && error.bytes === objectSize && error.status === 416,
      );
    });
  }

  test('headers for S3 and for a 206 answer', () => {
    assert.equal(rangeHeader({ start: 2, end: 5 }), 'bytes=2-5');
    assert.equal(rangeHeader({ start: 2 }), 'bytes=2-');
    assert.equal(rangeHeader({ suffix: 7 }), 'bytes=-7');
    assert.equal(contentRange({ start: 2, end: 5 }, 10), 'bytes 2-5/10');
  });
});
