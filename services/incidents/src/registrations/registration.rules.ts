import type { Fact, NetworkAccessPoint } from '@openlgsp/contracts';
import { fail, ok, type Result } from '@openlgsp/domain';
import { connectionClearance } from '../assessments/assessment.rules.js';
import type { AssessmentState } from '../assessments/assessment.model.js';
import { actsForAgency, checkNote, forbidden, hasRole, isDic, type Actor } from '../common/actor.js';
import type { RegistrationKind, RegistrationState } from './registration.model.js';

export interface RegistrationChange {
  next: RegistrationState;
  facts: Fact[];
}

export interface RegistrationInput {
  agency: string;
  kind: RegistrationKind;
  accessPoint: NetworkAccessPoint;
  service: string;
  systemId?: string;
  justification: string;
  documentRef: string;
}

/** Connecting a system, or moving its connection point, needs the system (its assessment is checked at the decision). */
const connects = (kind: RegistrationKind) => kind !== 'disconnect';

const base = (r: RegistrationState) => ({ registrationId: r._id, agency: r.agency, kind: r.kind });

/** An agency asks DIC in writing to use, change or stop a network service (001 Điều 9, 14.2, 15.5). */
export function request(
  registrationId: string,
  input: RegistrationInput,
  by: Actor,
  now: Date,
): Result<RegistrationChange> {
  if (!actsForAgency(by, input.agency))
    return forbidden('not-agency', `only ${input.agency} asks for its own network services`, '001 Điều 9');
  if (connects(input.kind) && !input.systemId)
    return fail(
      'invalid',
      'system-required',
      'name the system that connects; it needs a security assessment',
      {
        path: '/systemId',
        source: '001 Điều 7.2',
      },
    );
  for (const field of ['service', 'justification', 'documentRef'] as const)
    if (!input[field].trim())
      return fail('invalid', 'blank', `the request needs its ${field}`, { path: `/${field}` });
  const next: RegistrationState = {
    _id: registrationId,
    revision: 1,
    ...input,
    requestedBy: by.sub,
    requestedAt: now,
    status: 'requested',
    proposal: null,
    decision: null,
    updatedAt: now,
  };
  return ok({
    next,
    facts: [
      {
        type: 'vn.openlgsp.incidents.registration.requested.v1',
        data: {
          ...base(next),
          accessPoint: input.accessPoint,
          service: input.service,
          ...(input.systemId ? { systemId: input.systemId } : {}),
          justification: input.justification,
          documentRef: input.documentRef,
          by: by.sub,
        },
      },
    ],
  });
}

/** DIC compiles the request and proposes it to the People's Committee (001 Điều 9). */
export function propose(
  registration: RegistrationState,
  input: { recommendation: 'approve' | 'reject'; note: string },
  by: Actor,
  now: Date,
): Result<RegistrationChange> {
  if (!isDic(by))
    return forbidden('not-dic', "DIC compiles network requests for the People's Committee", '001 Điều 9');
  const bad = checkNote<RegistrationChange>(input.note, '/note');
  if (bad) return bad;
  if (registration.status !== 'requested')
    return fail('conflict', 'not-requested', `registration is ${registration.status}`);
  const next: RegistrationState = {
    ...registration,
    status: 'proposed',
    proposal: { ...input, by: by.sub, at: now },
    updatedAt: now,
  };
  return ok({
    next,
    facts: [
      {
        type: 'vn.openlgsp.incidents.registration.proposed.v1',
        data: { ...base(next), recommendation: input.recommendation, note: input.note, by: by.sub },
      },
    ],
  });
}

/**
 * The People's Committee decides on DIC's proposal (001 Điều 9). A system connects only with a passed
 * pre-connection security assessment on record, re-checked in time (001 Điều 7.2, 15.1): an approval
 * without one is refused with the rule's source. `assessments` are the system's assessments on record.
 */
export function decide(
  registration: RegistrationState,
  input: { outcome: 'approved' | 'rejected'; note: string; decisionRef?: string },
  assessments: readonly AssessmentState[],
  by: Actor,
  now: Date,
): Result<RegistrationChange> {
  if (!hasRole(by, 'committee'))
    return forbidden('not-committee', "the People's Committee decides network registrations", '001 Điều 9');
  const bad = checkNote<RegistrationChange>(input.note, '/note');
  if (bad) return bad;
  if (registration.status !== 'proposed')
    return fail(
      'conflict',
      'not-proposed',
      registration.status === 'requested'
        ? 'DIC proposes the registration before it is decided'
        : `registration is ${registration.status}`,
    );
  let assessmentId: string | undefined;
  if (input.outcome === 'approved' && connects(registration.kind)) {
    const clearance = connectionClearance(assessments, registration.agency, registration.systemId!, now);
    if (!clearance.ok) return clearance;
    assessmentId = clearance.value._id;
  }
  const decision = {
    outcome: input.outcome,
    note: input.note,
    ...(input.decisionRef ? { decisionRef: input.decisionRef } : {}),
    ...(assessmentId ? { assessmentId } : {}),
    by: by.sub,
    at: now,
  };
  const next: RegistrationState = { ...registration, status: input.outcome, decision, updatedAt: now };
  return ok({
    next,
    facts: [
      {
        type: 'vn.openlgsp.incidents.registration.decided.v1',
        data: {
          ...base(next),
          outcome: input.outcome,
          note: input.note,
          ...(input.decisionRef ? { decisionRef: input.decisionRef } : {}),
          ...(assessmentId ? { assessmentId } : {}),
          by: by.sub,
        },
      },
    ],
  });
}
