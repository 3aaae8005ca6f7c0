import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateEventData } from '@openlgsp/contracts';
import type { Actor } from '../common/actor.js';
import { incidentsConfigFromEnv } from '../config.js';
import type { AnnualReportState } from './annual-report.model.js';
import {
  annualDueAt,
  annualDueStep,
  applyAnnualStep,
  overdueReports,
  reportOwed,
  submit,
} from './annual-report.rules.js';

const config = incidentsConfigFromEnv({});
const officer: Actor = { sub: 'user-binh', agency: 'so-nnmt', roles: ['provider'] };
const other: Actor = { sub: 'user-an', agency: 'so-xd', roles: ['provider'] };
const start = new Date('2025-01-02T00:00:00Z');
const at = (iso: string) => new Date(iso);
const security = () => reportOwed('security', 'so-nnmt', 2025, start, config);
const conforms = (facts: { type: string; data: unknown }[]) => {
  for (const f of facts) assert.deepEqual(validateEventData(f.type, f.data), { ok: true }, f.type);
};

describe('annual reports', () => {
  it('are due before 15 November (security) and 1 December (network use), local time', () => {
    assert.equal(annualDueAt('security', 2025, config).toISOString(), '2025-11-14T17:00:00.000Z');
    assert.equal(annualDueAt('network-use', 2025, config).toISOString(), '2025-11-30T17:00:00.000Z');
    const moved = incidentsConfigFromEnv({ INCIDENTS_SECURITY_REPORT_DUE: '11-01' });
    assert.equal(annualDueAt('security', 2025, moved).toISOString(), '2025-10-31T17:00:00.000Z');
  });

  it('are tracked per agency, kind and year', () => {
    assert.equal(security()._id, 'security:so-nnmt:2025');
  });

  it('remind 14 days before, then go overdue once, without a late reminder', () => {
    let r: AnnualReportState = security();
    assert.equal(annualDueStep(r, at('2025-10-31T16:59:59Z')), null);
    assert.equal(annualDueStep(r, at('2025-10-31T17:00:00Z')), 'remind');
    const reminded = applyAnnualStep(r, 'remind', at('2025-10-31T17:00:00Z'));
    assert.ok(reminded.ok);
    conforms(reminded.value.facts);
    r = reminded.value.next;
    assert.equal(annualDueStep(r, at('2025-11-10T00:00:00Z')), null);
    const overdue = applyAnnualStep(r, 'overdue', at('2025-11-14T17:00:00Z'));
    assert.ok(overdue.ok);
    conforms(overdue.value.facts);
    assert.equal(annualDueStep(overdue.value.next, at('2025-12-01T00:00:00Z')), null);
    const never = applyAnnualStep(security(), 'overdue', at('2025-11-14T17:00:00Z'));
    assert.ok(never.ok && never.value.next.remindedAt);
  });

  it('take a submission from the agency itself, once, marking a late one', () => {
    assert.equal(submit(security(), { documentRef: '130/BC' }, other, at('2025-11-01T00:00:00Z')).ok, false);
    const onTime = submit(security(), { documentRef: '130/BC' }, officer, at('2025-11-14T16:00:00Z'));
    assert.ok(onTime.ok);
    conforms(onTime.value.facts);
    assert.equal(onTime.value.next.submission?.late, false);
    const again = submit(onTime.value.next, { documentRef: '131/BC' }, officer, at('2025-11-14T16:30:00Z'));
    assert.equal(again.ok ? '' : again.violation.code, 'already-submitted');
    const late = submit(security(), { documentRef: '130/BC' }, officer, at('2025-11-14T17:00:00Z'));
    assert.equal(late.ok && late.value.next.submission?.late, true);
    assert.equal(annualDueStep(onTime.value.next, at('2025-12-01T00:00:00Z')), null);
  });

  it('list the overdue ones, oldest first', () => {
    const submitted = submit(security(), { documentRef: '130/BC' }, officer, at('2025-11-01T00:00:00Z'));
    assert.ok(submitted.ok);
    const reports = [
      reportOwed('network-use', 'ubnd-dai-tu', 2025, start, config),
      submitted.value.next,
      reportOwed('security', 'so-xd', 2025, start, config),
    ];
    assert.deepEqual(
      overdueReports(reports, at('2025-12-05T00:00:00Z')).map((r) => r._id),
      ['security:so-xd:2025', 'network-use:ubnd-dai-tu:2025'],
    );
    assert.deepEqual(
      overdueReports(reports, at('2025-11-20T00:00:00Z')).map((r) => r._id),
      ['security:so-xd:2025'],
    );
  });
});
