import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateEventData } from '@openlgsp/contracts';
import type { Actor } from '../common/actor.js';
import { issue, type WarningInput } from './warning.rules.js';

const dic: Actor = { sub: 'user-dic-01', agency: 'so-tttt', roles: ['dic'] };
const officer: Actor = { sub: 'user-binh', agency: 'so-nnmt', roles: ['provider'] };
const now = new Date('2025-11-20T03:00:00Z');
const ID = '0197a1b2-7c4d-7e8f-9a01-000000002001';
const warning = (overrides: Partial<WarningInput> = {}): WarningInput => ({
  title: 'Chiến dịch mã độc tống tiền',
  description: 'Phát tán qua tệp đính kèm giả mạo công văn.',
  category: 'malicious-code/malware-distribution',
  severity: 'high',
  measures: 'Không mở tệp đính kèm lạ; chặn tên miền.',
  observables: [{ type: 'domain', value: 'CongVan-Moi.example.net', tlp: 'CLEAR' }],
  tlp: 'CLEAR',
  validUntil: new Date('2025-12-31T17:00:00Z'),
  ...overrides,
});

describe('warning every agency (002 Điều 8.9)', () => {
  it('issues a warning event every agency can read, with canonical indicators', () => {
    const r = issue(ID, warning(), dic, now);
    assert.ok(r.ok);
    assert.equal(r.value.next.observables[0]!.value, 'congvan-moi.example.net');
    const [fact] = r.value.facts;
    assert.equal(fact!.type, 'vn.openlgsp.incidents.warning.issued.v1');
    assert.deepEqual(validateEventData(fact!.type, fact!.data), { ok: true });
  });

  it('is DIC’s to issue', () => {
    const r = issue(ID, warning(), officer, now);
    assert.deepEqual(r.ok ? null : r.violation, {
      kind: 'forbidden',
      code: 'not-dic',
      message: 'DIC warns the agencies of threats',
      source: '002 Điều 8.9',
    });
  });

  it('refuses an AMBER or RED indicator, or an AMBER warning, with the field', () => {
    const red = issue(
      ID,
      warning({
        observables: [
          { type: 'ip', value: '1.2.3.4', tlp: 'GREEN' },
          { type: 'ip', value: '5.6.7.8', tlp: 'RED' },
        ],
      }),
      dic,
      now,
    );
    assert.equal(red.ok ? '' : red.violation.path, '/observables/1/tlp');
    const amber = issue(ID, warning({ tlp: 'AMBER' }), dic, now);
    assert.equal(amber.ok ? '' : amber.violation.path, '/tlp');
  });

  it('refuses a malformed indicator and a validity already past', () => {
    const bad = issue(
      ID,
      warning({ observables: [{ type: 'ip', value: '1.2.3.999', tlp: 'CLEAR' }] }),
      dic,
      now,
    );
    assert.equal(bad.ok ? '' : bad.violation.code, 'malformed-ip');
    const past = issue(ID, warning({ validUntil: now }), dic, now);
    assert.equal(past.ok ? '' : past.violation.path, '/validUntil');
  });
});
