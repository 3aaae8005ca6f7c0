import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { NotFoundError, unwrap, type Actor } from '@openlgsp/domain';
import { CLOCK, type Clock } from '@openlgsp/events';
import { withoutStorageFields } from '@openlgsp/persistence';
import { AssessmentsRepository } from '../assessments/assessments.repository.js';
import { actsForAgency, hasRole, isDic } from '../common/actor.js';
import type { RegistrationState, RegistrationStatus } from './registration.model.js';
import { decide, propose, request, type RegistrationInput } from './registration.rules.js';
import { RegistrationsRepository } from './registrations.repository.js';

/** Network registrations: the agency asks, DIC proposes, the People's Committee decides (001 Điều 9). */
@Injectable()
export class RegistrationsService {
  constructor(
    private readonly registrations: RegistrationsRepository,
    private readonly assessments: AssessmentsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async request(input: RegistrationInput, by: Actor) {
    const change = unwrap(request(uuidv7(), input, by, this.clock()));
    await this.registrations.create(change, by);
    return { registrationId: change.next._id, status: change.next.status };
  }

  async propose(id: string, input: { recommendation: 'approve' | 'reject'; note: string }, by: Actor) {
    const next = await this.registrations.apply(id, by, (r) => propose(r, input, by, this.clock()), {
      visible: (r) => this.mayRead(r, by),
    });
    return { registrationId: next._id, status: next.status };
  }

  /** The system's assessments on record are read first; the rule refuses a connection without a passed one. */
  async decide(
    id: string,
    input: { outcome: 'approved' | 'rejected'; note: string; decisionRef?: string },
    by: Actor,
  ) {
    const registration = await this.registrations.get(id);
    const assessments = registration.systemId
      ? await this.assessments.ofSystem(registration.agency, registration.systemId)
      : [];
    const next = await this.registrations.apply(
      id,
      by,
      (r) => decide(r, input, assessments, by, this.clock()),
      { visible: (r) => this.mayRead(r, by) },
    );
    return { registrationId: next._id, status: next.status, assessmentId: next.decision?.assessmentId };
  }

  async get(id: string, by: Actor) {
    const registration = await this.registrations.get(id);
    if (!this.mayRead(registration, by)) throw new NotFoundError('registration', id);
    return withoutStorageFields(registration);
  }

  list(by: Actor, status: RegistrationStatus | undefined, page: { limit: number; cursor?: string }) {
    const scope = isDic(by) || hasRole(by, 'committee', 'auditor') ? {} : { agency: by.agency };
    return this.registrations.page({ ...scope, ...(status ? { status } : {}) }, page);
  }

  private mayRead(r: RegistrationState, by: Actor): boolean {
    return isDic(by) || hasRole(by, 'committee', 'auditor') || actsForAgency(by, r.agency);
  }
}
