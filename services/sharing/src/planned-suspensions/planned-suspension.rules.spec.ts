import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { unwrap } from '@openlgsp/domain';
import {
  config,
  dic,
  local,
  MONDAY,
  otherProvider,
  parcelService,
  provider,
  violation,
} from '../../test/fixtures.js';
import { announce, end, start } from './planned-suspension.rules.js';

const plan = (startsAt: Date, hours = 8) => ({
  reason: 'nâng cấp máy chủ',
  startsAt,
  expectedRestorationAt: new Date(startsAt.getTime() + hours * 3_600_000),
});

describe('planned suspension rules (Decree 47 Điều 43)', () => {
  it('needs at least 7 working days of notice', () => {
    // Monday 2 March → 7 working days later is Wednesday 11 March
    assert.equal(
      violation(announce('p', parcelService(), plan(local('2026-03-10T22:00:00')), provider, MONDAY, config)),
      'invalid:notice-too-short',
    );
    assert.equal(
      unwrap(announce('p', parcelService(), plan(local('2026-03-11T22:00:00')), provider, MONDAY, config))
        .next.status,
      'announced',
    );
  });

  it('is announced by the service’s provider only, with restoration after the start', () => {
    const startsAt = local('2026-03-20T22:00:00');
    assert.equal(
      violation(announce('p', parcelService(), plan(startsAt), otherProvider, MONDAY, config)),
      'forbidden:not-owner',
    );
    assert.equal(
      violation(announce('p', parcelService(), plan(startsAt, -1), provider, MONDAY, config)),
      'invalid:restoration-before-start',
    );
  });

  it('starts at its start time, ends at the expected restoration (or by hand), and cancels before it starts', () => {
    const startsAt = local('2026-03-20T22:00:00');
    const s = unwrap(announce('p', parcelService(), plan(startsAt), provider, MONDAY, config)).next;
    assert.equal(violation(start(s, local('2026-03-20T21:59:00'))), 'conflict:not-yet');
    const inEffect = unwrap(start(s, startsAt)).next;
    assert.equal(inEffect.status, 'in-effect');
    assert.equal(violation(end(inEffect, undefined, startsAt)), 'conflict:not-yet');
    assert.equal(unwrap(end(inEffect, undefined, s.expectedRestorationAt)).next.status, 'restored');
    assert.equal(unwrap(end(inEffect, dic, startsAt)).next.status, 'restored');
    const cancelled = unwrap(end(s, provider, MONDAY)).next;
    assert.equal(cancelled.status, 'cancelled');
    assert.equal(cancelled.grantsResumed, true);
  });
});
