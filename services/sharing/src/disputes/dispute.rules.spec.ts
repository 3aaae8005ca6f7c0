import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { unwrap } from '@openlgsp/domain';
import {
  config,
  consumer,
  details,
  dic,
  landEntry,
  local,
  MONDAY,
  provider,
  REQUEST_ID,
  violation,
} from '../../test/fixtures.js';
import { refuse, submit } from '../requests/request.rules.js';
import { decide, open } from './dispute.rules.js';

const request = () => unwrap(submit(REQUEST_ID, landEntry(), null, details(), consumer, MONDAY, config)).next;
const refused = () =>
  unwrap(refuse(request(), { reasons: 'không', legalBasis: request().legalBasis }, provider, MONDAY)).next;

describe('dispute rules', () => {
  it('opens on a refusal or an overdue request, by the requester only', () => {
    assert.equal(unwrap(open(refused(), 'cần dữ liệu', consumer, MONDAY)).next.ground, 'refusal');
    assert.equal(violation(open(request(), 'cần', consumer, MONDAY)), 'conflict:not-disputable');
    assert.equal(
      unwrap(open(request(), 'quá hạn', consumer, local('2026-03-17T00:00:00'))).next.ground,
      'overdue',
    );
    assert.equal(violation(open(refused(), 'x', provider, MONDAY)), 'forbidden:not-requester');
  });

  it('is decided by DIC once; an order to share stays within what was asked and names the grant', () => {
    const d = unwrap(open(refused(), 'cần dữ liệu', consumer, MONDAY)).next;
    assert.equal(
      violation(decide(d, { outcome: 'upheld', reasons: 'x' }, provider, MONDAY)),
      'forbidden:not-dic',
    );
    assert.equal(
      violation(decide(d, { outcome: 'sharing-ordered', reasons: 'x', fields: ['ownerName'] }, dic, MONDAY)),
      'invalid:unknown-field',
    );
    const ordered = unwrap(
      decide(d, { outcome: 'sharing-ordered', reasons: 'phải chia sẻ', fields: ['area'] }, dic, MONDAY),
    );
    assert.equal(ordered.next.decision?.grantId, REQUEST_ID);
    assert.equal(ordered.facts[0]?.type, 'vn.openlgsp.sharing.dispute.decided.v1');
    assert.equal(
      violation(decide(ordered.next, { outcome: 'upheld', reasons: 'x' }, dic, MONDAY)),
      'conflict:already-decided',
    );
  });
});
