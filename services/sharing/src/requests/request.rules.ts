import type { Fact } from '@openlgsp/contracts';
import { fail, ok, type Result, type Change, type Actor } from '@openlgsp/domain';
import type { CatalogueEntryView, CatalogueServiceView } from '../catalogue-view/catalogue-view.model.js';
import { actsAsConsumerOf, actsAsProviderOf } from '@openlgsp/auth';
import { forbidden } from '../common/actor.js';
import { checkFields, checkPeriod, checkRefusal, periodData, type Period } from '../common/scope.js';
import type { SharingConfig } from '../config.js';
import { OPEN_STATUSES, type RequestDetails, type RequestState } from './request.model.js';

type Deadlines = Pick<SharingConfig, 'calendar' | 'answerWorkingDays' | 'reminderWorkingDays'>;

const parties = (r: RequestState) => ({
  entryId: r.entryId,
  ownerAgency: r.ownerAgency,
  requesterAgency: r.requesterAgency,
});

/**
 * A consumer asks for an entry's data (000 Điều 7.2.a: a purpose and the specific fields). A
 * default-shared entry is granted at once, the request kept for the trail (000 Điều 5.5, 7.1).
 */
export function submit(
  requestId: string,
  entry: CatalogueEntryView,
  service: CatalogueServiceView | null,
  details: RequestDetails,
  by: Actor,
  now: Date,
  deadlines: Deadlines,
): Result<Change<RequestState>> {
  if (!actsAsConsumerOf(by, by.agency))
    return forbidden('not-consumer', 'requests are made by a consumer agency (consumer or integrator role)');
  if (entry.status !== 'listed')
    return fail(
      'conflict',
      'entry-not-listed',
      `entry ${entry._id} is ${entry.status}; it cannot be requested`,
    );
  if (entry.ownerAgency === by.agency)
    return fail('invalid', 'own-entry', 'an agency does not request its own data', { path: '/entryId' });
  if (details.serviceId) {
    if (!service || service.entryId !== entry._id)
      return fail('invalid', 'service-not-of-entry', 'the service does not share this entry', {
        path: '/serviceId',
      });
    if (service.status === 'retired')
      return fail('conflict', 'service-retired', 'the service is retired', { path: '/serviceId' });
  }
  const fields = checkFields(details.fields, entry.fields, '/fields', `a field of ${entry.name}`);
  if (!fields.ok) return fields;
  const period = checkPeriod(details.period, now, '/period');
  if (!period.ok) return period;

  const mode = entry.sharingMode === 'default' ? 'default' : 'request';
  const base: RequestState = {
    _id: requestId,
    revision: 1,
    ...details,
    ownerAgency: entry.ownerAgency,
    requesterAgency: by.agency,
    requestedBy: by.sub,
    mode,
    status: 'submitted',
    submittedAt: now,
    dueAt: null,
    reminderAt: null,
    remindedAt: null,
    escalatedAt: null,
    decision: null,
    withdrawal: null,
    updatedAt: now,
  };
  if (mode === 'default') {
    const next: RequestState = {
      ...base,
      status: 'approved',
      decision: {
        outcome: 'approved',
        grantId: requestId,
        fields: details.fields,
        validity: details.period,
        conditions: [],
        automatic: true,
        by: 'system:default-sharing',
        at: now,
      },
    };
    return ok({ next, facts: [submitted(next, undefined), approved(next)] });
  }
  const { calendar, answerWorkingDays: n, reminderWorkingDays: r } = deadlines;
  const next: RequestState = {
    ...base,
    dueAt: calendar.deadline(now, n),
    reminderAt: n > r ? calendar.deadline(now, n - r) : null,
  };
  return ok({ next, facts: [submitted(next, n)] });
}

function mayDecide(request: RequestState, by: Actor): Result<true> {
  if (!actsAsProviderOf(by, request.ownerAgency))
    return forbidden(
      'not-owner',
      `only ${request.ownerAgency}, which owns the data, decides`,
      '004 Điều 13.1',
    );
  if (!OPEN_STATUSES.includes(request.status))
    return fail('conflict', 'already-decided', `request is ${request.status}`);
  return ok(true);
}

export function startReview(request: RequestState, by: Actor, now: Date): Result<Change<RequestState>> {
  const may = mayDecide(request, by);
  if (!may.ok) return may;
  if (request.status !== 'submitted')
    return fail('conflict', 'under-review', 'request is already under review');
  const next: RequestState = { ...request, status: 'under-review', updatedAt: now };
  return ok({
    next,
    facts: [
      {
        type: 'vn.openlgsp.sharing.request.review-started.v1',
        data: { requestId: request._id, ...parties(request) },
      },
    ],
  });
}

/** The provider fixes the scope (at most what was asked), the validity and any conditions. */
export function approve(
  request: RequestState,
  input: { fields?: string[]; validity?: Period; conditions?: string[] },
  by: Actor,
  now: Date,
): Result<Change<RequestState>> {
  const may = mayDecide(request, by);
  if (!may.ok) return may;
  const fields = input.fields ?? request.fields;
  const inScope = checkFields(fields, request.fields, '/fields', 'among the fields requested');
  if (!inScope.ok) return inScope;
  const validity = input.validity ?? request.period;
  const period = checkPeriod(validity, now, '/validity');
  if (!period.ok) return period;
  const next: RequestState = {
    ...request,
    status: 'approved',
    decision: {
      outcome: 'approved',
      grantId: request._id,
      fields,
      validity,
      conditions: input.conditions ?? [],
      automatic: false,
      by: by.sub,
      at: now,
    },
    updatedAt: now,
  };
  return ok({ next, facts: [approved(next)] });
}

/**
 * A refusal is written, with reasons and legal basis (Decree 194/2025 Điều 16.2); one on a data
 * subject's own data must name the article that restricts it (004 Điều 13.2.h: such data is shared).
 */
export function refuse(
  request: RequestState,
  input: { reasons: string; legalBasis: RequestState['legalBasis'] },
  by: Actor,
  now: Date,
): Result<Change<RequestState>> {
  const may = mayDecide(request, by);
  if (!may.ok) return may;
  const valid = checkRefusal(input, { articleRequired: Boolean(request.dataSubject) });
  if (!valid.ok) return valid;
  const next: RequestState = {
    ...request,
    status: 'refused',
    decision: {
      outcome: 'refused',
      reasons: input.reasons,
      legalBasis: input.legalBasis,
      by: by.sub,
      at: now,
    },
    updatedAt: now,
  };
  return ok({
    next,
    facts: [
      {
        type: 'vn.openlgsp.sharing.request.refused.v1',
        data: {
          requestId: request._id,
          ...parties(request),
          reasons: input.reasons,
          legalBasis: input.legalBasis,
          ...(request.dataSubject ? { dataSubject: true } : {}),
        },
      },
    ],
  });
}

export function withdraw(request: RequestState, reason: string | undefined, by: Actor, now: Date) {
  if (!actsAsConsumerOf(by, request.requesterAgency))
    return forbidden<Change<RequestState>>(
      'not-requester',
      `only ${request.requesterAgency} withdraws its request`,
    );
  if (!OPEN_STATUSES.includes(request.status))
    return fail(
      'conflict',
      'already-decided',
      `request is ${request.status}; only an open request is withdrawn`,
    );
  const next: RequestState = {
    ...request,
    status: 'withdrawn',
    withdrawal: { ...(reason ? { reason } : {}), at: now },
    updatedAt: now,
  };
  return ok<Change<RequestState>>({
    next,
    facts: [
      {
        type: 'vn.openlgsp.sharing.request.withdrawn.v1',
        data: { requestId: request._id, ...parties(request), ...(reason ? { reason } : {}) },
      },
    ],
  });
}

/** Time-driven: a reminder before the due date, once. */
export function remind(request: RequestState, now: Date): Result<Change<RequestState>> {
  if (!OPEN_STATUSES.includes(request.status) || !request.reminderAt || request.remindedAt)
    return fail('conflict', 'nothing-to-remind', 'no reminder is due');
  if (request.reminderAt > now) return fail('conflict', 'not-yet', 'the reminder is not due yet');
  const next: RequestState = { ...request, remindedAt: now, updatedAt: now };
  return ok({
    next,
    facts: [
      {
        type: 'vn.openlgsp.sharing.request.reminded.v1',
        data: { requestId: request._id, ...parties(request), dueAt: request.dueAt!.toISOString() },
      },
    ],
  });
}

/** Time-driven: unanswered past the due date goes to DIC (004 Điều 15), once. */
export function escalate(request: RequestState, now: Date): Result<Change<RequestState>> {
  if (!OPEN_STATUSES.includes(request.status) || !request.dueAt || request.escalatedAt)
    return fail('conflict', 'nothing-to-escalate', 'no escalation is due');
  if (request.dueAt > now) return fail('conflict', 'not-yet', 'the request is not overdue');
  const next: RequestState = { ...request, escalatedAt: now, updatedAt: now };
  return ok({
    next,
    facts: [
      {
        type: 'vn.openlgsp.sharing.request.escalated.v1',
        data: { requestId: request._id, ...parties(request), dueAt: request.dueAt.toISOString() },
      },
    ],
  });
}

export function isOverdue(request: RequestState, now: Date): boolean {
  return OPEN_STATUSES.includes(request.status) && request.dueAt !== null && request.dueAt <= now;
}

function submitted(r: RequestState, workingDays: number | undefined): Fact {
  return {
    type: 'vn.openlgsp.sharing.request.submitted.v1',
    data: {
      requestId: r._id,
      ...parties(r),
      ...(r.serviceId ? { serviceId: r.serviceId } : {}),
      purpose: r.purpose,
      fields: r.fields,
      legalBasis: r.legalBasis,
      period: periodData(r.period),
      ...(r.thirdParty ? { thirdParty: r.thirdParty } : {}),
      contact: r.contact,
      ...(r.dataSubject ? { dataSubject: r.dataSubject } : {}),
      mode: r.mode,
      ...(r.dueAt ? { dueAt: r.dueAt.toISOString() } : {}),
      ...(workingDays ? { workingDays } : {}),
    },
  };
}

function approved(r: RequestState): Fact {
  const d = r.decision;
  if (d?.outcome !== 'approved') throw new Error('not approved');
  return {
    type: 'vn.openlgsp.sharing.request.approved.v1',
    data: {
      requestId: r._id,
      ...parties(r),
      ...(r.serviceId ? { serviceId: r.serviceId } : {}),
      grantId: d.grantId,
      fields: d.fields,
      validity: periodData(d.validity),
      ...(d.conditions.length ? { conditions: d.conditions } : {}),
      automatic: d.automatic,
    },
  };
}
