import type { Fact } from '@openlgsp/contracts';
import { fail, ok, type Result } from '@openlgsp/domain';
import { actsForAgency, forbidden, isDic, type Actor } from '../common/actor.js';
import { addMonths, localDay, startOfLocalDay, addDays } from '../common/vietnam-time.js';
import type { IncidentsConfig } from '../config.js';
import type { AssessmentState, Finding } from './assessment.model.js';

export interface AssessmentChange {
  next: AssessmentState;
  facts: Fact[];
}

export interface AssessmentInput {
  agency: string;
  systemId: string;
  systemName: string;
  purpose: AssessmentState['purpose'];
  assessor: string;
  assessedAt: Date;
  findings: Omit<Finding, 'fix'>[];
}

/** The owner assesses its systems (001 Điều 7.2.a, 15.1); DIC assesses too (002 Điều 8.5). */
function mayRecord(agency: string, by: Actor): Result<true> {
  return actsForAgency(by, agency) || isDic(by)
    ? ok(true)
    : forbidden(
        'not-owner',
        `only ${agency}, which owns the system, or DIC records its assessments`,
        '001 Điều 7.2.a',
      );
}

export function record(
  assessmentId: string,
  input: AssessmentInput,
  by: Actor,
  now: Date,
): Result<AssessmentChange> {
  const may = mayRecord(input.agency, by);
  if (!may.ok) return may;
  if (input.assessedAt > now)
    return fail('invalid', 'assessed-in-future', 'an assessment is recorded after it took place', {
      path: '/assessedAt',
    });
  const seen = new Set<string>();
  for (const [i, f] of input.findings.entries()) {
    if (seen.has(f.findingId))
      return fail('invalid', 'duplicate-finding', `finding ${f.findingId} is listed twice`, {
        path: `/findings/${i}/findingId`,
      });
    seen.add(f.findingId);
  }
  const next: AssessmentState = {
    _id: assessmentId,
    revision: 1,
    ...input,
    findings: input.findings.map((f) => ({ ...f, fix: null })),
    confirmation: null,
    recheckDueAt: null,
    recordedBy: by.sub,
    recordedAt: now,
    updatedAt: now,
  };
  return ok({
    next,
    facts: [
      {
        type: 'vn.openlgsp.incidents.assessment.recorded.v1',
        data: {
          assessmentId,
          agency: input.agency,
          systemId: input.systemId,
          systemName: input.systemName,
          purpose: input.purpose,
          assessor: input.assessor,
          assessedAt: input.assessedAt.toISOString(),
          findings: input.findings.map(({ findingId, title, severity }) => ({ findingId, title, severity })),
          by: by.sub,
        },
      },
    ],
  });
}

/**
 * The vulnerabilities are fixed and the assessor confirms it in writing: the system has passed and
 * may connect (001 Điều 7.2.a: "có văn bản xác nhận … sau khi khắc phục"). The periodic re-check is
 * due the configured months later unless a date is given (001 Điều 7.2.b).
 */
export function confirm(
  assessment: AssessmentState,
  input: { fixes: { findingId: string; note: string }[]; confirmationRef: string; recheckDueAt?: Date },
  by: Actor,
  now: Date,
  config: Pick<IncidentsConfig, 'assessmentRecheckMonths'>,
): Result<AssessmentChange> {
  const may = mayRecord(assessment.agency, by);
  if (!may.ok) return may;
  if (assessment.confirmation)
    return fail('conflict', 'already-confirmed', 'the assessment is already confirmed');
  if (!input.confirmationRef.trim())
    return fail('invalid', 'confirmation-required', "the assessor's written confirmation is named", {
      path: '/confirmationRef',
      source: '001 Điều 7.2.a',
    });
  const known = new Map(assessment.findings.map((f) => [f.findingId, f]));
  for (const [i, fix] of input.fixes.entries()) {
    if (!known.has(fix.findingId))
      return fail('invalid', 'unknown-finding', `the assessment has no finding ${fix.findingId}`, {
        path: `/fixes/${i}/findingId`,
      });
    if (!fix.note.trim())
      return fail('invalid', 'note-required', 'say how the finding was fixed', { path: `/fixes/${i}/note` });
  }
  const fixed = new Map(input.fixes.map((f) => [f.findingId, f.note]));
  const findings = assessment.findings.map((f) =>
    f.fix || !fixed.has(f.findingId) ? f : { ...f, fix: { note: fixed.get(f.findingId)!, at: now } },
  );
  const open = findings.filter((f) => !f.fix).map((f) => f.findingId);
  if (open.length)
    return fail(
      'invalid',
      'unfixed-findings',
      `fix every finding before the confirmation: ${open.join(', ')}`,
      {
        path: '/fixes',
        source: '001 Điều 7.2.a',
      },
    );
  const recheckDueAt =
    input.recheckDueAt ??
    startOfLocalDay(addDays(addMonths(localDay(now), config.assessmentRecheckMonths), 1));
  if (recheckDueAt <= now)
    return fail('invalid', 'recheck-in-past', 'the re-check is due after the confirmation', {
      path: '/recheckDueAt',
    });
  const next: AssessmentState = {
    ...assessment,
    findings,
    confirmation: { ref: input.confirmationRef, by: by.sub, at: now },
    recheckDueAt,
    updatedAt: now,
  };
  return ok({
    next,
    facts: [
      {
        type: 'vn.openlgsp.incidents.assessment.confirmed.v1',
        data: {
          assessmentId: assessment._id,
          agency: assessment.agency,
          systemId: assessment.systemId,
          fixes: findings.map((f) => ({ findingId: f.findingId, note: f.fix!.note })),
          confirmationRef: input.confirmationRef,
          recheckDueAt: recheckDueAt.toISOString(),
          by: by.sub,
        },
      },
    ],
  });
}

export const hasPassed = (a: AssessmentState): boolean => a.confirmation !== null;

/** The system's latest passed assessment: the one its clearance rests on. */
function latestPassed(assessments: readonly AssessmentState[], agency: string, systemId: string) {
  return assessments
    .filter((a) => a.agency === agency && a.systemId === systemId && hasPassed(a))
    .sort((a, b) => b.confirmation!.at.getTime() - a.confirmation!.at.getTime())[0];
}

/**
 * May the system connect to the special-use data network? Only with a passed security assessment on
 * record, re-checked in time (001 Điều 7.2, 15.1).
 */
export function connectionClearance(
  assessments: readonly AssessmentState[],
  agency: string,
  systemId: string,
  now: Date,
): Result<AssessmentState> {
  const passed = latestPassed(assessments, agency, systemId);
  if (!passed)
    return fail(
      'conflict',
      'no-passed-assessment',
      `system ${systemId} has no passed security assessment with the assessor's written confirmation; it may not connect`,
      { source: '001 Điều 7.2, 15.1' },
    );
  if (passed.recheckDueAt! <= now)
    return fail(
      'conflict',
      'recheck-overdue',
      `system ${systemId} was due for its periodic re-check on ${passed.recheckDueAt!.toISOString()}`,
      { source: '001 Điều 7.2.b' },
    );
  return ok(passed);
}

export interface OverdueRecheck {
  agency: string;
  systemId: string;
  systemName: string;
  assessmentId: string;
  recheckDueAt: Date;
}

/** Systems whose latest passed assessment is past its re-check date (001 Điều 7.2.b), most overdue first. */
export function overdueRechecks(assessments: readonly AssessmentState[], now: Date): OverdueRecheck[] {
  const systems = new Set(assessments.map((a) => JSON.stringify([a.agency, a.systemId])));
  const overdue: OverdueRecheck[] = [];
  for (const system of systems) {
    const [agency, systemId] = JSON.parse(system) as [string, string];
    const passed = latestPassed(assessments, agency, systemId);
    if (passed && passed.recheckDueAt! <= now)
      overdue.push({
        agency,
        systemId,
        systemName: passed.systemName,
        assessmentId: passed._id,
        recheckDueAt: passed.recheckDueAt!,
      });
  }
  return overdue.sort((a, b) => a.recheckDueAt.getTime() - b.recheckDueAt.getTime());
}
