import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Principal } from '@openlgsp/auth';
import type { Result } from '@openlgsp/domain';
import { period, readableAgency } from './entry-scope.rules.js';

const officer: Principal = { sub: 'lan', agency: 'STNMT', roles: ['provider'], via: 'token' };
const dic: Principal = { sub: 'dic-1', agency: 'STTTT', roles: ['dic'], via: 'token' };
const auditor: Principal = { sub: 'kt-1', agency: 'TTRA', roles: ['auditor'], via: 'token' };
const app: Principal = { sub: 'maps-app', agency: '', roles: ['public-app'], via: 'api-key' };

/** A rule's answer in one word: its value as JSON, or the violation's code and path. */
const answer = (r: Result<unknown>) =>
  r.ok ? JSON.stringify(r.value) : `${r.violation.code}${r.violation.path ? ` at ${r.violation.path}` : ''}`;

describe('whose audit entries a caller reads (000 Điều 8.4)', () => {
  it('lets DIC and auditors read everyone’s, or the agency they ask for', () => {
    assert.equal(answer(readableAgency(dic)), '{}');
    assert.equal(answer(readableAgency(auditor, 'SYT')), '{"agency":"SYT"}');
  });

  it('limits any other officer to the entries about its own agency', () => {
    assert.equal(answer(readableAgency(officer)), '{"agency":"STNMT"}');
    assert.equal(answer(readableAgency(officer, 'STNMT')), '{"agency":"STNMT"}');
    assert.equal(answer(readableAgency(officer, 'SYT')), 'agency-scope at ?agency');
  });

  it('refuses a caller that belongs to no agency', () => {
    assert.equal(answer(readableAgency(app)), 'agency-scope');
  });
});

describe('a period of the trail', () => {
  it('takes open ends and normalises the instants to UTC', () => {
    assert.equal(answer(period(undefined, undefined)), '{}');
    assert.equal(
      answer(period('2026-03-02T10:00:00+07:00', undefined)),
      '{"from":"2026-03-02T03:00:00.000Z"}',
    );
  });

  it('refuses a period that ends before it starts', () => {
    assert.equal(answer(period('2026-03-02T00:00:00Z', '2026-03-01T00:00:00Z')), 'bad-period at ?to');
    assert.equal(answer(period('2026-03-02T00:00:00Z', '2026-03-02T00:00:00Z')), 'bad-period at ?to');
  });

  it('needs both ends and at most the longest period when bounded', () => {
    assert.equal(answer(period(undefined, '2026-03-02T00:00:00Z', 31)), 'bad-period at ?from');
    assert.equal(answer(period('2026-03-02T00:00:00Z', undefined, 31)), 'bad-period at ?to');
    assert.equal(answer(period('2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z', 31)).startsWith('{'), true);
    assert.equal(
      answer(period('2026-01-01T00:00:00Z', '2026-02-01T00:00:01Z', 31)),
      'period-too-long at ?to',
    );
  });
});
