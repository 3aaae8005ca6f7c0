import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rejectionsByAgency, windowDays } from './rejections.rules.js';

const NOW = new Date('2026-01-05T10:00:00Z');
const schema = { code: 'schema', message: '/data/purpose must not be blank' };
const type = { code: 'unknown-type', message: 'no contract for vn.openlgsp.sharing.x.v1' };

describe('rejections per agency over time', () => {
  it('a window of whole UTC days ending today', () => {
    assert.deepEqual(windowDays(NOW, 3), ['2026-01-03', '2026-01-04', '2026-01-05']);
  });

  it('counts each agency per day, the most rejected first, with its commonest reasons', () => {
    const result = rejectionsByAgency(
      [
        { agency: 'SXD', at: '2026-01-05T01:00:00Z', reasons: [schema] },
        { agency: 'SYT', at: '2026-01-04T01:00:00Z', reasons: [type] },
        { agency: 'SXD', at: '2026-01-03T01:00:00Z', reasons: [schema, type] },
        { agency: 'SXD', at: '2026-01-05T02:00:00Z', reasons: [schema] },
        { agency: 'SYT', at: '2025-12-01T01:00:00Z', reasons: [type] }, // before the window
      ],
      NOW,
      3,
    );
    assert.deepEqual(
      result.map((a) => [a.agency, a.total, a.perDay.map((d) => d.count)]),
      [
        ['SXD', 3, [1, 0, 2]],
        ['SYT', 1, [0, 1, 0]],
      ],
    );
    assert.deepEqual(result[0]!.reasons, [
      { code: 'schema', count: 3, example: schema.message },
      { code: 'unknown-type', count: 1, example: type.message },
    ]);
  });
});
