import { fail, ok, type Result, type Change, type Actor } from '@openlgsp/domain';
import { actsAsConsumerOf, actsAsProviderOf, hasRole } from '@openlgsp/auth';
import { forbidden } from '../common/actor.js';
import { periodData } from '../common/scope.js';
import type { SharingConfig } from '../config.js';
import type { GrantState } from '../grants/grant.model.js';
import type { UsageDemandState } from './usage-demand.model.js';

const who = (d: UsageDemandState) => ({
  demandId: d._id,
  grantId: d.grantId,
  entryId: d.entryId,
  ownerAgency: d.ownerAgency,
  holderAgency: d.holderAgency,
});

export function demand(
  demandId: string,
  grant: GrantState,
  reason: string,
  by: Actor,
  now: Date,
  config: Pick<SharingConfig, 'calendar' | 'usageReportWorkingDays'>,
): Result<Change<UsageDemandState>> {
  if (!actsAsProviderOf(by, grant.ownerAgency) && !hasRole(by, 'dic'))
    return forbidden(
      'not-owner',
      `only ${grant.ownerAgency} or DIC demands a usage report`,
      '004 Điều 13.1.g',
    );
  if (grant.status !== 'active' && grant.status !== 'suspended')
    return fail('conflict', 'grant-ended', `grant is ${grant.status}`);
  const next: UsageDemandState = {
    _id: demandId,
    revision: 1,
    grantId: grant._id,
    entryId: grant.entryId,
    ownerAgency: grant.ownerAgency,
    holderAgency: grant.holderAgency,
    reason,
    dueAt: config.calendar.deadline(now, config.usageReportWorkingDays),
    status: 'open',
    demandedBy: by.sub,
    demandedAt: now,
    report: null,
    flaggedAt: null,
    updatedAt: now,
  };
  return ok({
    next,
    facts: [
      {
        type: 'vn.openlgsp.sharing.usage-report.demanded.v1',
        data: { ...who(next), reason, dueAt: next.dueAt.toISOString() },
      },
    ],
  });
}

/** The holder answers, late or not (a late answer still closes the demand; the flag stays on record). */
export function answer(
  d: UsageDemandState,
  report: { summary: string; requests?: number; period?: { from: Date; until: Date } },
  by: Actor,
  now: Date,
): Result<Change<UsageDemandState>> {
  if (!actsAsConsumerOf(by, d.holderAgency))
    return forbidden('not-holder', `only ${d.holderAgency}, which holds the grant, answers`);
  if (d.status !== 'open') return fail('conflict', 'already-answered', 'the demand is already answered');
  if (report.period && !(report.period.until > report.period.from))
    return fail('invalid', 'empty-period', 'until must be after from', { path: '/period/until' });
  const next: UsageDemandState = {
    ...d,
    status: 'answered',
    report: { ...report, by: by.sub, at: now },
    updatedAt: now,
  };
  return ok({
    next,
    facts: [
      {
        type: 'vn.openlgsp.sharing.usage-report.submitted.v1',
        data: {
          ...who(d),
          summary: report.summary,
          ...(report.requests !== undefined ? { requests: report.requests } : {}),
          ...(report.period ? { period: periodData(report.period) } : {}),
        },
      },
    ],
  });
}

/** Time-driven: unanswered past its due date, flagged to DIC once. */
export function flagOverdue(d: UsageDemandState, now: Date): Result<Change<UsageDemandState>> {
  if (d.status !== 'open' || d.flaggedAt) return fail('conflict', 'nothing-to-flag', 'nothing to flag');
  if (d.dueAt > now) return fail('conflict', 'not-yet', 'the demand is not overdue');
  const next: UsageDemandState = { ...d, flaggedAt: now, updatedAt: now };
  return ok({
    next,
    facts: [
      {
        type: 'vn.openlgsp.sharing.usage-report.overdue.v1',
        data: { ...who(d), dueAt: d.dueAt.toISOString() },
      },
    ],
  });
}
