import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ANY_CHANGE, FEED_EVENT_TYPES, type FeedFilter } from './feed.model.js';
import { datasetChange } from './feed.fixtures.js';
import {
  FILTER_LIMITS,
  matchesFilter,
  parseFeedFilter,
  parseResumePoint,
  startOptionOf,
} from './position.rules.js';

const A = '0197a1b2-7c4d-7e8f-9a01-0000000000a1';
const B = '0197a1b2-7c4d-7e8f-9a01-0000000000b2';

function filter(query: Parameters<typeof parseFeedFilter>[0]): FeedFilter {
  const result = parseFeedFilter(query);
  assert.ok(result.ok, `expected the filter to be accepted, got ${JSON.stringify(result)}`);
  return result.value;
}

function refusal(query: Parameters<typeof parseFeedFilter>[0]) {
  const result = parseFeedFilter(query);
  assert.ok(!result.ok, 'expected the filter to be refused');
  return result.violations;
}

describe('feed positions', () => {
  it('resumes after the Last-Event-ID, which wins over since', () => {
    assert.deepEqual(parseResumePoint({ lastEventId: '42', since: '7' }), {
      ok: true,
      value: { kind: 'after', position: 42 },
    });
  });

  it('reads since as a position or an RFC 3339 time, and starts live without either', () => {
    assert.deepEqual(parseResumePoint({ since: '0' }), { ok: true, value: { kind: 'after', position: 0 } });
    assert.deepEqual(parseResumePoint({ since: '2026-01-31T15:00:00+07:00' }), {
      ok: true,
      value: { kind: 'time', time: '2026-01-31T08:00:00.000Z' },
    });
    assert.deepEqual(parseResumePoint({}), { ok: true, value: { kind: 'live' } });
    assert.deepEqual(parseResumePoint({ since: ' ' }), { ok: true, value: { kind: 'live' } });
  });

  it('refuses a Last-Event-ID or since that is neither a position nor a time, saying where', () => {
    for (const [input, path] of [
      [{ lastEventId: 'abc' }, '/headers/last-event-id'],
      [{ lastEventId: '-1' }, '/headers/last-event-id'],
      [{ since: '2026-01-31' }, '?since'],
      [{ since: '2026-01-31T08:00:00' }, '?since'],
      [{ since: '99999999999999999999' }, '?since'],
      [{ since: '007' }, '?since'],
    ] as const) {
      const result = parseResumePoint(input);
      assert.ok(!result.ok, `expected ${JSON.stringify(input)} to be refused`);
      assert.equal(result.violations[0]!.path, path);
    }
  });

  it('turns a resume point into the JetStream start option that delivers what follows it', () => {
    assert.deepEqual(startOptionOf({ kind: 'after', position: 41 }), { opt_start_seq: 42 });
    assert.deepEqual(startOptionOf({ kind: 'after', position: 0 }), { opt_start_seq: 1 });
    assert.deepEqual(startOptionOf({ kind: 'time', time: '2026-01-31T08:00:00.000Z' }), {
      opt_start_time: '2026-01-31T08:00:00.000Z',
    });
    assert.deepEqual(startOptionOf({ kind: 'live' }), { deliver_new: true });
  });
});

describe('feed filters', () => {
  it('reads repeated and comma-separated values, normalised and without duplicates', () => {
    assert.deepEqual(
      filter({
        dataset: [A.toUpperCase(), `${B}, ${A}`],
        publisher: 'SGDDT,STTTT',
        theme: 'educ',
        type: ['dataset.published', 'vn.openlgsp.opendata.dataset.retracted.v1'],
      }),
      {
        datasets: [A, B],
        publishers: ['SGDDT', 'STTTT'],
        themes: ['EDUC'],
        types: ['vn.openlgsp.opendata.dataset.published.v1', 'vn.openlgsp.opendata.dataset.retracted.v1'],
      },
    );
    assert.deepEqual(filter({}), ANY_CHANGE);
  });

  it('refuses every bad value at once, each with its place', () => {
    const violations = refusal({
      dataset: 'not-a-uuid',
      publisher: '000.00.12.H41',
      theme: 'EDUCATION',
      type: 'feedback.received',
    });
    assert.deepEqual(
      violations.map((v) => [v.code, v.path]),
      [
        ['invalid-dataset', '?dataset'],
        ['invalid-publisher', '?publisher'],
        ['invalid-theme', '?theme'],
        ['invalid-type', '?type'],
      ],
    );
    assert.match(violations[3]!.message, /dataset\.published/);
  });

  it('bounds the number and length of values', () => {
    const many = Array.from({ length: FILTER_LIMITS.valuesPerField + 1 }, (_, i) => `AG${i}`);
    assert.deepEqual(
      refusal({ publisher: many }).map((v) => v.code),
      ['too-many-values'],
    );
    assert.deepEqual(
      refusal({ publisher: 'A'.repeat(FILTER_LIMITS.valueLength + 1) }).map((v) => v.code),
      ['invalid-publisher'],
    );
  });
});

describe('matching a change against a filter', () => {
  const published = datasetChange('published', { datasetId: A, ownerAgency: 'SGDDT', themes: ['EDUC'] });
  const retracted = datasetChange('retracted', { datasetId: A, ownerAgency: 'SGDDT' });

  it('lets every feed change through an empty filter, and nothing that is not on the feed', () => {
    assert.ok(matchesFilter(ANY_CHANGE, published));
    assert.ok(matchesFilter(ANY_CHANGE, retracted));
    assert.ok(
      !matchesFilter(ANY_CHANGE, { ...published, type: 'vn.openlgsp.opendata.feedback.received.v1' }),
    );
    assert.equal(FEED_EVENT_TYPES.length, 3);
  });

  it('keeps a change only when every field given matches', () => {
    assert.ok(matchesFilter(filter({ dataset: A, publisher: 'SGDDT', theme: 'EDUC' }), published));
    assert.ok(!matchesFilter(filter({ dataset: B }), published));
    assert.ok(!matchesFilter(filter({ publisher: 'STTTT' }), published));
    assert.ok(!matchesFilter(filter({ theme: 'HEAL' }), published));
    assert.ok(!matchesFilter(filter({ type: 'dataset.updated' }), published));
  });

  it('lets a retraction through a theme filter, as it carries no themes', () => {
    assert.ok(matchesFilter(filter({ theme: 'HEAL' }), retracted));
    assert.ok(!matchesFilter(filter({ theme: 'HEAL', publisher: 'STTTT' }), retracted));
  });
});
