import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { unwrap } from '@openlgsp/domain';
import {
  config,
  consumer,
  local,
  MONDAY,
  otherProvider,
  provider,
  violation,
  issuedGrant,
} from '../../test/fixtures.js';
import { answer, demand, flagOverdue } from './usage-demand.rules.js';

const grant = issuedGrant({
  fields: ['area'],
  validity: { from: MONDAY, until: local('2027-01-01T00:00:00') },
});

describe('usage-report demand rules (004 Điều 13.1.g)', () => {
  it('is demanded by the provider, due in 10 working days, answered by the holder', () => {
    assert.equal(
      violation(demand('d', grant, 'nghi dùng sai', otherProvider, MONDAY, config)),
      'forbidden:not-owner',
    );
    const d = unwrap(demand('d', grant, 'nghi dùng sai', provider, MONDAY, config)).next;
    assert.deepEqual(d.dueAt, local('2026-03-17T00:00:00'));
    assert.equal(violation(answer(d, { summary: 'x' }, provider, MONDAY)), 'forbidden:not-holder');
    const a = unwrap(answer(d, { summary: 'chỉ dùng cho cấp phép', requests: 12 }, consumer, MONDAY));
    assert.equal(a.next.status, 'answered');
    assert.equal(violation(answer(a.next, { summary: 'x' }, consumer, MONDAY)), 'conflict:already-answered');
    assert.equal(violation(flagOverdue(a.next, local('2026-04-01T00:00:00'))), 'conflict:nothing-to-flag');
  });

  it('flags an unanswered demand to DIC once, past its due date', () => {
    const d = unwrap(demand('d', grant, 'nghi dùng sai', provider, MONDAY, config)).next;
    assert.equal(violation(flagOverdue(d, local('2026-03-16T23:00:00'))), 'conflict:not-yet');
    const flagged = unwrap(flagOverdue(d, local('2026-03-17T00:00:00')));
    assert.equal(flagged.facts[0]?.type, 'vn.openlgsp.sharing.usage-report.overdue.v1');
    assert.equal(
      violation(flagOverdue(flagged.next, local('2026-03-18T00:00:00'))),
      'conflict:nothing-to-flag',
    );
  });
});
