import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateEventData } from '@openlgsp/contracts';
import type { Result } from '@openlgsp/domain';
import type { Actor } from '../common/actor.js';
import { incidentsConfigFromEnv } from '../config.js';
import type { AssessmentState } from './assessment.model.js';
import {
  confirm,
  connectionClearance,
  overdueRechecks,
  record,
  type AssessmentChange,
  type AssessmentInput,
} from './assessment.rules.js';

const config = incidentsConfigFromEnv({});
const owner: Actor = { sub: 'user-xa', agency: 'ubnd-phuc-xuan', roles: ['provider'] };
const stranger: Actor = { sub: 'user-an', agency: 'so-xd', roles: ['provider'] };
const now = new Date('2025-11-14T03:00:00Z');
const ID = '0197a1b2-7c4d-7e8f-9a01-000000004001';
const input = (overrides: Partial<AssessmentInput> = {}): AssessmentInput => ({
  agency: 'ubnd-phuc-xuan',
  systemId: 'mang-noi-bo',
  systemName: 'Mạng nội bộ UBND xã Phúc Xuân',
  purpose: 'pre-connection',
  assessor: 'Trung tâm Giám sát an toàn thông tin tỉnh',
  assessedAt: new Date('2025-11-10T02:00:00Z'),
  findings: [
    { findingId: 'F1', title: 'Mật khẩu mặc định trên tường lửa', severity: 'high' },
    { findingId: 'F2', title: 'Phần mềm máy chủ chưa vá', severity: 'medium' },
  ],
  ...overrides,
});
const value = (r: Result<AssessmentChange>) => {
  assert.ok(r.ok, r.ok ? '' : `${r.violation.code}: ${r.violation.message}`);
  for (const f of r.value.facts) assert.deepEqual(validateEventData(f.type, f.data), { ok: true }, f.type);
  return r.value.next;
};
const recorded = () => value(record(ID, input(), owner, now));
const fixes = [
  { findingId: 'F1', note: 'Đã đổi mật khẩu.' },
  { findingId: 'F2', note: 'Đã cập nhật bản vá.' },
];
const passed = (): AssessmentState =>
  value(confirm(recorded(), { fixes, confirmationRef: '77/XN-TTGS' }, owner, now, config));

describe('security assessments before connecting (001 Điều 7.2, 15.1)', () => {
  it('records an assessment with its findings, by the system’s owner', () => {
    assert.equal(recorded().findings.length, 2);
    const r = record(ID, input(), stranger, now);
    assert.equal(r.ok ? '' : r.violation.kind, 'forbidden');
  });

  it('refuses a finding listed twice, with its path', () => {
    const r = record(ID, input({ findings: [input().findings[0]!, input().findings[0]!] }), owner, now);
    assert.equal(r.ok ? '' : r.violation.path, '/findings/1/findingId');
  });

  it('confirms only once every finding is fixed, citing the rule', () => {
    const r = confirm(recorded(), { fixes: [fixes[0]!], confirmationRef: '77/XN' }, owner, now, config);
    assert.deepEqual(r.ok ? null : r.violation, {
      kind: 'invalid',
      code: 'unfixed-findings',
      message: 'fix every finding before the confirmation: F2',
      path: '/fixes',
      source: '001 Điều 7.2.a',
    });
  });

  it('sets the periodic re-check a year on by default, at the end of that local day', () => {
    assert.equal(passed().recheckDueAt?.toISOString(), '2026-11-14T17:00:00.000Z');
  });
});

describe('connection clearance', () => {
  it('clears a system with a passed assessment', () => {
    const r = connectionClearance([recorded(), passed()], 'ubnd-phuc-xuan', 'mang-noi-bo', now);
    assert.equal(r.ok && r.value._id, ID);
  });

  it('refuses a system with no passed assessment, with the rule’s source', () => {
    const r = connectionClearance([recorded()], 'ubnd-phuc-xuan', 'mang-noi-bo', now);
    assert.deepEqual(r.ok ? null : [r.violation.code, r.violation.source], [
      'no-passed-assessment',
      '001 Điều 7.2, 15.1',
    ]);
  });

  it('refuses a system whose re-check is overdue, and lists it', () => {
    const late = new Date('2026-11-15T00:00:00Z');
    const r = connectionClearance([passed()], 'ubnd-phuc-xuan', 'mang-noi-bo', late);
    assert.equal(r.ok ? '' : r.violation.code, 'recheck-overdue');
    assert.deepEqual(
      overdueRechecks([passed(), recorded()], late).map((o) => [o.systemId, o.recheckDueAt.toISOString()]),
      [['mang-noi-bo', '2026-11-14T17:00:00.000Z']],
    );
    assert.deepEqual(overdueRechecks([passed()], now), []);
  });

  it('lets a newer passed re-check supersede the overdue one', () => {
    const late = new Date('2026-11-20T00:00:00Z');
    const recheck = value(
      confirm(
        value(
          record(
            '0197a1b2-7c4d-7e8f-9a01-000000004002',
            input({ purpose: 'periodic', findings: [], assessedAt: late }),
            owner,
            late,
          ),
        ),
        { fixes: [], confirmationRef: '12/XN' },
        owner,
        late,
        config,
      ),
    );
    assert.deepEqual(overdueRechecks([passed(), recheck], late), []);
  });
});
