import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { validateEventData } from '@openlgsp/contracts';
import type { Result } from '@openlgsp/domain';
import { alert, config, dic, ID, now, officer, otherAgency, siem, colleague } from './fixtures.js';
import type { IncidentChange, IncidentState } from './incident.model.js';
import {
  acknowledge,
  assign,
  close,
  contain,
  eradicate,
  escalateToCert,
  join,
  recover,
  referToPolice,
  reopen,
  report,
  reportFromAlert,
  resolve,
  submitReport,
} from './incident.rules.js';

const later = (minutes: number) => new Date(now.getTime() + minutes * 60_000);
const value = (r: Result<IncidentChange>): IncidentChange => {
  assert.ok(
    r.ok,
    r.ok ? '' : `expected the step to be taken, got ${r.violation.code}: ${r.violation.message}`,
  );
  return r.value;
};
const violation = (r: Result<IncidentChange>) => {
  assert.equal(r.ok, false, 'expected the step to be refused');
  return r.ok ? undefined : r.violation;
};
/** Every fact a rule states conforms to its contract. */
const conforming = (change: IncidentChange) => {
  for (const f of change.facts) assert.deepEqual(validateEventData(f.type, f.data), { ok: true }, f.type);
  return change;
};
const opened = () => conforming(value(report(ID, alert(), siem, now, config))).next;
const assigned = (): IncidentState => {
  const a = conforming(value(acknowledge(opened(), { note: 'Đã xác minh.' }, dic, later(10), config))).next;
  return conforming(
    value(
      assign(
        a,
        { assignee: { kind: 'agency-it', name: 'Phòng CNTT' }, note: 'Đơn vị tự xử lý.' },
        officer,
        later(20),
        config,
      ),
    ),
  ).next;
};
const resolved = () =>
  conforming(value(resolve(assigned(), 'Đã khắc phục.', officer, later(60), config))).next;

describe('reporting an incident', () => {
  it('opens it with canonical observables, its fingerprint and its clocks', () => {
    const { next, facts } = conforming(value(report(ID, alert(), siem, now, config)));
    assert.equal(next.status, 'reported');
    assert.deepEqual(
      next.observables.map((o) => o.value),
      ['203.0.113.7', '198.51.100.23', 'bad.example.net'],
    );
    assert.match(next.fingerprint, /^[0-9a-f]{64}$/);
    assert.equal(next.clocks.acknowledgement!.dueAt.toISOString(), '2025-11-20T07:00:00.000Z'); // high: 4 h
    assert.equal(next.clocks.notification!.dueAt.toISOString(), '2025-11-25T17:00:00.000Z'); // 5 days, local
    assert.equal(facts[0]!.type, 'vn.openlgsp.incidents.incident.reported.v1');
  });

  it('never puts a TLP:RED observable in the event: it is counted', () => {
    const { facts } = value(report(ID, alert(), siem, now, config));
    const data = facts[0]!.data as { observables: { value: string }[]; withheldObservables: number };
    assert.equal(data.withheldObservables, 1);
    assert.ok(!JSON.stringify(facts).includes('198.51.100.23'));
  });

  it('records a hotline report as such, with who took the call', () => {
    const { next, facts } = conforming(
      value(
        report(ID, alert({ door: 'hotline', source: undefined, sourceRef: undefined }), dic, now, config),
      ),
    );
    assert.equal(next.takenBy, 'user-dic-01');
    assert.equal((facts[0]!.data as { takenBy?: string }).takenBy, 'user-dic-01');
  });

  it('takes reports only from the agency itself, its systems, or the hotline', () => {
    assert.equal(
      violation(report(ID, alert({ door: 'agency-officer' }), otherAgency, now, config))?.code,
      'not-agency-officer',
    );
    assert.equal(violation(report(ID, alert(), officer, now, config))?.code, 'not-agency-system');
    assert.equal(
      violation(report(ID, alert({ door: 'hotline' }), officer, now, config))?.code,
      'not-hotline',
    );
  });

  it('refuses a malformed observable with its path, and a discovery in the future', () => {
    const bad = alert({ observables: [{ type: 'file-hash', value: 'not-a-hash', tlp: 'AMBER' }] });
    assert.deepEqual(violation(report(ID, bad, siem, now, config)), {
      kind: 'invalid',
      code: 'malformed-hash',
      message: "'not-a-hash' is not an MD5, SHA-1, SHA-256 or SHA-512 hash in hexadecimal",
      path: '/observables/0/value',
    });
    assert.equal(
      violation(report(ID, alert({ detectedAt: later(5) }), siem, now, config))?.path,
      '/detectedAt',
    );
  });
});

describe('a monitoring alert (intake)', () => {
  it('becomes a report of the agency and source it arrived with, whatever the alert says', () => {
    const example = JSON.parse(
      readFileSync(
        new URL('../../../../../contracts/examples/incidents/alert.raised.v1.json', import.meta.url),
        'utf8',
      ),
    );
    const input = reportFromAlert(example.data, { agency: 'so-nnmt', source: '/agencies/so-nnmt/siem' });
    assert.equal(input.door, 'monitoring');
    assert.equal(input.sourceRef, 'ALERT-2025-11-20-0042');
    assert.equal(input.detectedAt.toISOString(), '2025-11-20T02:40:00.000Z');
    const { next } = conforming(value(report(ID, input, siem, now, config)));
    assert.equal(next.agency, 'so-nnmt');
  });
});

describe('the contracts bound a report', () => {
  const intake = (overrides: Record<string, unknown>) => ({
    sourceRef: 'ALERT-42',
    category: 'availability/ddos',
    severity: 'high',
    detectedAt: '2025-11-20T02:40:00Z',
    description: 'Lưu lượng bất thường.',
    observables: [],
    contact: { name: 'Trần Thị Bình' },
    ...overrides,
  });
  const paths = (data: unknown) => {
    const r = validateEventData('vn.openlgsp.incidents.alert.raised.v1', data);
    return r.ok ? [] : r.errors.map((e) => `${e.path} ${e.message}`);
  };

  it('refuses 10,000 observables and a 1 MB description', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => ({
      type: 'ip',
      value: `10.0.${i >> 8}.${i & 255}`,
      tlp: 'GREEN',
    }));
    assert.deepEqual(paths(intake({ observables: many })), [
      '/observables must NOT have more than 500 items',
    ]);
    assert.deepEqual(paths(intake({ description: 'x'.repeat(1_000_000) })), [
      '/description must NOT have more than 16000 characters',
    ]);
  });

  it('refuses a TLP marking that does not exist and a severity off the scale', () => {
    assert.deepEqual(
      paths(intake({ severity: 'urgent', observables: [{ type: 'ip', value: '1.2.3.4', tlp: 'WHITE' }] })),
      [
        '/severity must be one of: low, medium, high, critical',
        '/observables/0/tlp must be one of: CLEAR, GREEN, AMBER, AMBER+STRICT, RED',
      ],
    );
  });
});

describe('a duplicate report', () => {
  it('joins: new observables added, the count up, nothing RED in the event', () => {
    const more = alert({
      observables: [
        { type: 'ip', value: '203.0.113.7', tlp: 'AMBER' },
        { type: 'ip', value: '192.0.2.66', tlp: 'RED' },
        { type: 'url', value: 'http://bad.example.net/x', tlp: 'GREEN' },
      ],
    });
    const { next, facts } = conforming(value(join(opened(), more, 'source', siem, later(5))));
    assert.equal(next.reportCount, 2);
    assert.equal(next.observables.length, 5);
    assert.deepEqual((facts[0]!.data as { observablesAdded: unknown[] }).observablesAdded, [
      { type: 'url', value: 'http://bad.example.net/x', tlp: 'GREEN' },
    ]);
    assert.ok(!JSON.stringify(facts).includes('192.0.2.66'));
  });

  it('does not join a closed incident or another agency’s', () => {
    assert.equal(
      violation(join({ ...opened(), status: 'closed' }, alert(), 'source', siem, later(5)))?.code,
      'incident-over',
    );
    const other = { sub: 'key-so-xd', agency: 'so-xd', roles: ['integrator'] };
    assert.equal(
      violation(join(opened(), alert({ agency: 'so-xd' }), 'fingerprint', other, later(5)))?.code,
      'other-agency',
    );
  });
});

describe('the response (NIST SP 800-61)', () => {
  it('goes reported → acknowledged → assigned → contained → eradicated → recovered → resolved → closed, each step naming who and why', () => {
    let i = assigned();
    assert.equal(i.status, 'assigned');
    i = conforming(value(contain(i, 'Đã chặn nguồn tấn công.', officer, later(30), config))).next;
    i = conforming(value(eradicate(i, 'Đã gỡ mã độc.', officer, later(40), config))).next;
    i = conforming(value(recover(i, 'Đã khôi phục.', officer, later(50), config))).next;
    i = conforming(value(resolve(i, 'Kết thúc ứng cứu.', officer, later(60), config))).next;
    i = conforming(
      value(submitReport(i, { kind: 'final', documentRef: '125/BC', channel: 'email' }, officer, later(70))),
    ).next;
    const { next, facts } = conforming(value(close(i, 'Đã nhận báo cáo cuối.', dic, later(80))));
    assert.equal(next.status, 'closed');
    assert.deepEqual(
      next.history.map((s) => `${s.action} by ${s.by}`),
      [
        'reported by key-so-nnmt-siem',
        'acknowledged by user-dic-01',
        'assigned by user-binh',
        'contained by user-binh',
        'eradicated by user-binh',
        'recovered by user-binh',
        'resolved by user-binh',
        'final-report by user-binh',
        'closed by user-dic-01',
      ],
    );
    assert.equal((facts[0]!.data as { finalReportRef: string }).finalReportRef, '125/BC');
  });

  it('may pass over a phase with nothing to do, never go back', () => {
    const i = conforming(
      value(recover(assigned(), 'Đường truyền đã khôi phục.', officer, later(30), config)),
    ).next;
    assert.equal(i.status, 'recovered');
    assert.equal(violation(contain(i, 'x', officer, later(31), config))?.code, 'phase-order');
  });

  it('triages before assigning, and assigns before responding', () => {
    assert.equal(
      violation(
        assign(
          opened(),
          { assignee: { kind: 'dic', name: 'Đội ứng cứu' }, note: 'x' },
          dic,
          later(5),
          config,
        ),
      )?.code,
      'not-acknowledged',
    );
    const acked = value(acknowledge(opened(), { note: 'ok' }, dic, later(5), config)).next;
    assert.match(
      violation(contain(acked, 'x', dic, later(6), config))!.message,
      /assigned before the response starts/,
    );
  });

  it('refuses a step without a reason, and by someone who does not handle the incident', () => {
    assert.deepEqual(violation(acknowledge(opened(), { note: '  ' }, dic, later(5), config)), {
      kind: 'invalid',
      code: 'note-required',
      message: 'say why, in words',
      path: '/note',
    });
    assert.equal(
      violation(acknowledge(opened(), { note: 'ok' }, otherAgency, later(5), config))?.kind,
      'forbidden',
    );
  });

  it('moves the resolution target when triage changes the severity', () => {
    const { next } = value(
      acknowledge(opened(), { note: 'Nghiêm trọng.', severity: 'critical' }, dic, later(5), config),
    );
    assert.equal(next.clocks.resolution!.dueAt.toISOString(), '2025-11-21T03:00:00.000Z'); // 24 h from the report
    assert.ok(next.clocks.acknowledgement!.metAt);
  });

  it('starts the initial-report clock when DIC takes the incident over', () => {
    const acked = value(acknowledge(opened(), { note: 'ok' }, colleague, later(5), config)).next;
    const { next, facts } = conforming(
      value(
        assign(
          acked,
          {
            assignee: { kind: 'dic', name: 'Đội ứng cứu sự cố tỉnh' },
            note: 'Đơn vị không tự khắc phục được.',
          },
          officer,
          later(6),
          config,
        ),
      ),
    );
    assert.equal(next.clocks['initial-report']!.dueAt.toISOString(), '2025-11-25T17:00:00.000Z');
    assert.equal(
      (facts[0]!.data as { initialReportDueAt?: string }).initialReportDueAt,
      '2025-11-25T17:00:00.000Z',
    );
  });
});

describe('closing and reopening (Thông tư 20/2017)', () => {
  it('refuses to close before the final report is in, citing the circular', () => {
    assert.deepEqual(violation(close(resolved(), 'Xong.', dic, later(90))), {
      kind: 'conflict',
      code: 'final-report-missing',
      message: 'the final report is submitted before the incident is closed',
      source: 'Thông tư 20/2017/TT-BTTTT',
    });
  });

  it('takes the final report only after the response ended, due 5 days after it', () => {
    const r = resolved();
    assert.equal(r.clocks['final-report']!.dueAt.toISOString(), '2025-11-25T17:00:00.000Z');
    assert.equal(
      violation(
        submitReport(
          assigned(),
          { kind: 'final', documentRef: '1/BC', channel: 'letter' },
          officer,
          later(90),
        ),
      )?.code,
      'response-not-ended',
    );
  });

  it('reopens with a reason: resolution runs again and a new final report will be due', () => {
    const { next } = conforming(value(reopen(resolved(), 'Tấn công tái diễn.', officer, later(120), config)));
    assert.equal(next.status, 'reopened');
    assert.equal(next.clocks['final-report'], undefined);
    assert.equal(next.clocks.resolution!.metAt, null);
    assert.equal(violation(reopen(assigned(), 'x', officer, later(120), config))?.code, 'not-over');
  });
});

describe('escalation and referral', () => {
  it('lets only DIC escalate to the national CERT, once, with its reference', () => {
    const i = assigned();
    assert.deepEqual(
      violation(escalateToCert(i, { cert: 'VNCERT/CC', reference: 'R-1', note: 'x' }, officer, later(30)))
        ?.source,
      '002 Điều 8.8',
    );
    const { next } = conforming(
      value(
        escalateToCert(
          i,
          { cert: 'VNCERT/CC', reference: 'R-1', note: 'Tấn công có chủ đích.' },
          dic,
          later(30),
        ),
      ),
    );
    assert.equal(next.cert?.reference, 'R-1');
    assert.equal(next.status, 'assigned');
    assert.equal(
      violation(escalateToCert(next, { cert: 'VNCERT/CC', reference: 'R-2', note: 'x' }, dic, later(31)))
        ?.code,
      'already-escalated',
    );
  });

  it('marks an incident for the police once', () => {
    const { next } = conforming(value(referToPolice(assigned(), 'Có dấu hiệu tội phạm.', dic, later(30))));
    assert.equal(next.referredToPolice, true);
    assert.equal(violation(referToPolice(next, 'x', dic, later(31)))?.code, 'already-referred');
  });
});
