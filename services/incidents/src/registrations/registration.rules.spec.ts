import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateEventData } from '@openlgsp/contracts';
import type { Result } from '@openlgsp/domain';
import type { AssessmentState } from '../assessments/assessment.model.js';
import type { Actor } from '../common/actor.js';
import type { RegistrationState } from './registration.model.js';
import {
  decide,
  propose,
  request,
  type RegistrationChange,
  type RegistrationInput,
} from './registration.rules.js';

const commune: Actor = { sub: 'user-xa', agency: 'ubnd-phuc-xuan', roles: ['provider'] };
const dic: Actor = { sub: 'user-dic-01', agency: 'so-tttt', roles: ['dic'] };
const committee: Actor = { sub: 'user-ubnd-01', agency: 'ubnd-tinh', roles: ['committee'] };
const now = new Date('2025-11-20T03:00:00Z');
const ID = '0197a1b2-7c4d-7e8f-9a01-000000003001';
const input = (overrides: Partial<RegistrationInput> = {}): RegistrationInput => ({
  agency: 'ubnd-phuc-xuan',
  kind: 'connect',
  accessPoint: { level: 'II', name: 'UBND xã Phúc Xuân' },
  service: 'Kênh truyền số liệu chuyên dùng 100 Mbps',
  systemId: 'mang-noi-bo',
  justification: 'Kết nối mạng nội bộ của xã.',
  documentRef: '45/UBND-VP',
  ...overrides,
});
const passedAssessment: AssessmentState = {
  _id: '0197a1b2-7c4d-7e8f-9a01-000000004001',
  revision: 2,
  agency: 'ubnd-phuc-xuan',
  systemId: 'mang-noi-bo',
  systemName: 'Mạng nội bộ',
  purpose: 'pre-connection',
  assessor: 'Trung tâm Giám sát an toàn thông tin tỉnh',
  assessedAt: new Date('2025-11-10T02:00:00Z'),
  findings: [],
  confirmation: { ref: '77/XN', by: 'user-xa', at: new Date('2025-11-14T03:00:00Z') },
  recheckDueAt: new Date('2026-11-14T17:00:00Z'),
  recordedBy: 'user-xa',
  recordedAt: new Date('2025-11-14T03:00:00Z'),
  updatedAt: new Date('2025-11-14T03:00:00Z'),
};
const value = (r: Result<RegistrationChange>) => {
  assert.ok(r.ok, r.ok ? '' : `${r.violation.code}: ${r.violation.message}`);
  for (const f of r.value.facts) assert.deepEqual(validateEventData(f.type, f.data), { ok: true }, f.type);
  return r.value.next;
};
const proposed = (overrides: Partial<RegistrationInput> = {}): RegistrationState =>
  value(
    propose(
      value(request(ID, input(overrides), commune, now)),
      { recommendation: 'approve', note: 'Đủ điều kiện.' },
      dic,
      now,
    ),
  );
const approve = { outcome: 'approved' as const, note: 'Đồng ý.', decisionRef: '1234/QĐ-UBND' };

describe('network registrations (001 Điều 9)', () => {
  it('goes agency → DIC → People’s Committee', () => {
    const next = value(decide(proposed(), approve, [passedAssessment], committee, now));
    assert.equal(next.status, 'approved');
    assert.equal(next.decision?.assessmentId, passedAssessment._id);
  });

  it('gives each step to its actor', () => {
    assert.equal(request(ID, input(), dic, now).ok, false);
    const requested = value(request(ID, input(), commune, now));
    const notDic = propose(requested, { recommendation: 'approve', note: 'x' }, commune, now);
    assert.equal(notDic.ok ? '' : notDic.violation.code, 'not-dic');
    const notCommittee = decide(proposed(), approve, [passedAssessment], dic, now);
    assert.equal(notCommittee.ok ? '' : notCommittee.violation.code, 'not-committee');
    const early = decide(requested, approve, [passedAssessment], committee, now);
    assert.equal(early.ok ? '' : early.violation.code, 'not-proposed');
  });

  it('asks a connection to name its system', () => {
    const r = request(ID, input({ systemId: undefined }), commune, now);
    assert.equal(r.ok ? '' : r.violation.path, '/systemId');
    assert.ok(request(ID, input({ kind: 'disconnect', systemId: undefined }), commune, now).ok);
  });

  it('refuses to approve a connection without a passed assessment, with the rule’s source', () => {
    const unconfirmed = { ...passedAssessment, confirmation: null, recheckDueAt: null };
    const r = decide(proposed(), approve, [unconfirmed], committee, now);
    assert.deepEqual(r.ok ? null : [r.violation.code, r.violation.source], [
      'no-passed-assessment',
      '001 Điều 7.2, 15.1',
    ]);
    const otherSystem = decide(
      proposed({ systemId: 'cong-ket-noi' }),
      approve,
      [passedAssessment],
      committee,
      now,
    );
    assert.equal(otherSystem.ok ? '' : otherSystem.violation.code, 'no-passed-assessment');
  });

  it('refuses to approve a connection whose re-check is overdue', () => {
    const r = decide(proposed(), approve, [passedAssessment], committee, new Date('2026-12-01T00:00:00Z'));
    assert.equal(r.ok ? '' : r.violation.code, 'recheck-overdue');
  });

  it('rejects, or approves a disconnection, without an assessment', () => {
    assert.equal(
      value(decide(proposed(), { outcome: 'rejected', note: 'Chưa cần thiết.' }, [], committee, now)).status,
      'rejected',
    );
    assert.equal(
      value(decide(proposed({ kind: 'disconnect' }), approve, [], committee, now)).status,
      'approved',
    );
  });
});
