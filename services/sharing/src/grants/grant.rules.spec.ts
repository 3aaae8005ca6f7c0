import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { unwrap } from '@openlgsp/domain';
import type { GrantState } from './grant.model.js';
import {
  dic,
  ENTRY_ID,
  landEntry,
  local,
  MONDAY,
  otherProvider,
  parcelService,
  provider,
  REQUEST_ID,
  SERVICE_ID,
  violation,
  issuedGrant,
} from '../../test/fixtures.js';
import {
  answerAccess,
  expire,
  resume,
  suspend,
  suspendForPlannedSuspension,
  terminate,
} from './grant.rules.js';

const UNTIL = local('2026-09-01T00:00:00');

const grant = issuedGrant;

describe('grant rules', () => {
  it('moves active → suspended → active → terminated, each with its event', () => {
    const s = unwrap(suspend(grant(), { cause: 'breach', reason: 'dùng sai mục đích' }, provider, MONDAY));
    assert.equal(s.next.status, 'suspended');
    assert.equal(s.facts[0]?.type, 'vn.openlgsp.sharing.grant.suspended.v1');
    const r = unwrap(resume(s.next, provider, MONDAY));
    assert.equal(r.next.status, 'active');
    const t = unwrap(terminate(r.next, { cause: 'provider', reason: 'hết nhu cầu' }, dic, MONDAY));
    assert.equal(t.next.status, 'terminated');
    assert.equal(violation(resume(t.next, provider, MONDAY)), 'conflict:not-suspended');
    assert.equal(
      violation(terminate(t.next, { cause: 'provider', reason: 'x' }, provider, MONDAY)),
      'conflict:ended',
    );
  });

  it('lets only the provider or DIC act on a grant', () => {
    assert.equal(
      violation(suspend(grant(), { cause: 'breach', reason: 'x' }, otherProvider, MONDAY)),
      'forbidden:not-owner',
    );
    assert.equal(
      violation(terminate(grant(), { cause: 'provider', reason: 'x' }, otherProvider, MONDAY)),
      'forbidden:not-owner',
    );
  });

  it('expires by time only, and never an ended grant', () => {
    assert.equal(violation(expire(grant(), local('2026-08-31T23:59:00'))), 'conflict:not-yet');
    const e = unwrap(expire(grant(), UNTIL));
    assert.equal(e.next.status, 'expired');
    assert.equal(violation(expire(e.next, UNTIL)), 'conflict:ended');
  });

  it('resumes a planned suspension only when that plan ends', () => {
    const s = unwrap(
      suspendForPlannedSuspension(grant(), { suspensionId: 'p1', reason: 'bảo trì', until: UNTIL }, MONDAY),
    ).next;
    assert.equal(violation(resume(s, provider, MONDAY)), 'conflict:planned-suspension');
    assert.equal(violation(resume(s, { plannedSuspensionId: 'p2' }, MONDAY)), 'conflict:other-suspension');
    assert.equal(unwrap(resume(s, { plannedSuspensionId: 'p1' }, MONDAY)).next.status, 'active');
  });

  describe('the access check', () => {
    const ctx = (grants: GrantState[], over: Partial<Parameters<typeof answerAccess>[1]> = {}) => ({
      entry: landEntry(),
      service: parcelService(),
      serviceUnderPlannedSuspension: false,
      grants,
      ...over,
    });
    const q = { holderAgency: 'SXD', entryId: ENTRY_ID, serviceId: SERVICE_ID, fields: ['area'] };
    const now = local('2026-04-01T10:00:00');

    it('allows an active, current grant covering every field', () => {
      const a = answerAccess(q, ctx([grant()]), now);
      assert.equal(a.allowed, true);
      assert.equal(a.grantId, REQUEST_ID);
    });

    it('says no, with the reason, for each way access fails', () => {
      const code = (a: ReturnType<typeof answerAccess>) => (a.allowed ? 'allowed' : a.reasons[0]?.code);
      assert.equal(
        code(answerAccess({ ...q, fields: ['ownerName'] }, ctx([grant()]), now)),
        'field-not-granted',
      );
      assert.equal(code(answerAccess({ ...q, holderAgency: 'SYT' }, ctx([grant()]), now)), 'no-grant');
      assert.equal(code(answerAccess(q, ctx([grant({ status: 'suspended' })]), now)), 'grant-suspended');
      assert.equal(code(answerAccess(q, ctx([grant()]), UNTIL)), 'grant-not-current');
      assert.equal(
        code(answerAccess(q, ctx([grant()], { entry: landEntry({ status: 'withdrawn' }) }), now)),
        'entry-withdrawn',
      );
      assert.equal(code(answerAccess(q, ctx([grant()], { entry: null }), now)), 'unknown-entry');
      assert.equal(
        code(answerAccess(q, ctx([grant()], { service: parcelService({ status: 'suspended' }) }), now)),
        'service-suspended',
      );
      assert.equal(
        code(answerAccess(q, ctx([grant()], { serviceUnderPlannedSuspension: true }), now)),
        'service-planned-suspension',
      );
      assert.equal(code(answerAccess(q, ctx([grant({ serviceId: 'another-service' })]), now)), 'no-grant');
    });

    it('finds the one good grant among ended ones', () => {
      const a = answerAccess(q, ctx([grant({ _id: 'old', status: 'expired' }), grant()]), now);
      assert.equal(a.allowed, true);
    });
  });
});
