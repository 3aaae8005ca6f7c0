import type { Fact, LegalReference } from '@openlgsp/contracts';
import { fail, ok, type Result, type Change, type Actor } from '@openlgsp/domain';
import { actsAsConsumerOf, hasRole } from '@openlgsp/auth';
import { forbidden } from '../common/actor.js';
import { checkFields, checkPeriod, periodData, type Period } from '../common/scope.js';
import type { RequestState } from '../requests/request.model.js';
import { isOverdue } from '../requests/request.rules.js';
import type { DisputeState } from './dispute.model.js';

const parties = (d: Pick<DisputeState, 'requestId' | 'entryId' | 'ownerAgency' | 'requesterAgency'>) => ({
  requestId: d.requestId,
  entryId: d.entryId,
  ownerAgency: d.ownerAgency,
  requesterAgency: d.requesterAgency,
});

/** The requester disputes a refusal, or a request left unanswered past its due date. */
export function open(
  request: RequestState,
  statement: string,
  by: Actor,
  now: Date,
): Result<Change<DisputeState>> {
  if (!actsAsConsumerOf(by, request.requesterAgency))
    return forbidden('not-requester', `only ${request.requesterAgency} disputes its request`, '004 Điều 15');
  const ground = request.status === 'refused' ? 'refusal' : isOverdue(request, now) ? 'overdue' : null;
  if (!ground)
    return fail(
      'conflict',
      'not-disputable',
      `a ${request.status} request that is not overdue cannot be disputed`,
    );
  const next: DisputeState = {
    _id: request._id,
    revision: 1,
    ...parties({ ...request, requestId: request._id }),
    ground,
    statement,
    status: 'open',
    requested: {
      fields: request.fields,
      period: request.period,
      ...(request.serviceId ? { serviceId: request.serviceId } : {}),
    },
    openedBy: by.sub,
    openedAt: now,
    decision: null,
    updatedAt: now,
  };
  return ok({
    next,
    facts: [
      {
        type: 'vn.openlgsp.sharing.dispute.opened.v1',
        data: { disputeId: next._id, ...parties(next), ground, statement },
      },
    ],
  });
}

export type DisputeDecisionInput =
  | { outcome: 'upheld'; reasons: string; legalBasis?: LegalReference[] }
  | {
      outcome: 'sharing-ordered';
      reasons: string;
      legalBasis?: LegalReference[];
      fields?: string[];
      validity?: Period;
      conditions?: string[];
    };

/** DIC's decision is final in the system; an order to share produces the grant (with the dispute's id). */
export function decide(
  dispute: DisputeState,
  input: DisputeDecisionInput,
  by: Actor,
  now: Date,
): Result<Change<DisputeState>> {
  if (!hasRole(by, 'dic')) return forbidden('not-dic', 'DIC decides disputes', '004 Điều 15');
  if (dispute.status !== 'open') return fail('conflict', 'already-decided', 'the dispute is already decided');
  const legalBasis = input.legalBasis ?? [];
  if (input.outcome === 'upheld') {
    const next: DisputeState = {
      ...dispute,
      status: 'decided',
      decision: { outcome: 'upheld', reasons: input.reasons, legalBasis, by: by.sub, at: now },
      updatedAt: now,
    };
    return ok({ next, facts: [decided(next)] });
  }
  const fields = input.fields ?? dispute.requested.fields;
  const inScope = checkFields(fields, dispute.requested.fields, '/fields', 'among the fields requested');
  if (!inScope.ok) return inScope;
  const validity = input.validity ?? dispute.requested.period;
  const period = checkPeriod(validity, now, '/validity');
  if (!period.ok) return period;
  const next: DisputeState = {
    ...dispute,
    status: 'decided',
    decision: {
      outcome: 'sharing-ordered',
      reasons: input.reasons,
      legalBasis,
      grantId: dispute._id,
      fields,
      validity,
      conditions: input.conditions ?? [],
      by: by.sub,
      at: now,
    },
    updatedAt: now,
  };
  return ok({ next, facts: [decided(next)] });
}

function decided(d: DisputeState): Fact {
  const decision = d.decision!;
  return {
    type: 'vn.openlgsp.sharing.dispute.decided.v1',
    data: {
      disputeId: d._id,
      ...parties(d),
      outcome: decision.outcome,
      reasons: decision.reasons,
      ...(decision.legalBasis.length ? { legalBasis: decision.legalBasis } : {}),
      ...(decision.grantId ? { grantId: decision.grantId } : {}),
      ...(decision.fields ? { fields: decision.fields } : {}),
      ...(decision.validity ? { validity: periodData(decision.validity) } : {}),
      ...(decision.conditions?.length ? { conditions: decision.conditions } : {}),
    },
  };
}
