import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { NotFoundError, unwrap, type Actor } from '@openlgsp/domain';
import { CLOCK, type Clock } from '@openlgsp/events';
import { withoutStorageFields } from '@openlgsp/persistence';
import { actsForAgency, forbidden, hasRole, isDic } from '../common/actor.js';
import { INCIDENTS_CONFIG, type IncidentsConfig } from '../config.js';
import { confirm, overdueRechecks, record, type AssessmentInput } from './assessment.rules.js';
import { AssessmentsRepository } from './assessments.repository.js';

/** Security assessments of systems that connect to the special-use data network (001 Điều 7.2, 15.1). */
@Injectable()
export class AssessmentsService {
  constructor(
    private readonly assessments: AssessmentsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(INCIDENTS_CONFIG) private readonly config: IncidentsConfig,
  ) {}

  async record(input: AssessmentInput, by: Actor) {
    const change = unwrap(record(uuidv7(), input, by, this.clock()));
    await this.assessments.create(change, by);
    return { assessmentId: change.next._id };
  }

  async confirm(
    id: string,
    input: { fixes: { findingId: string; note: string }[]; confirmationRef: string; recheckDueAt?: Date },
    by: Actor,
  ) {
    const next = await this.assessments.apply(
      id,
      by,
      (a) => confirm(a, input, by, this.clock(), this.config),
      { visible: (a) => this.mayRead(a.agency, by) },
    );
    return { assessmentId: next._id, recheckDueAt: next.recheckDueAt?.toISOString() };
  }

  async get(id: string, by: Actor) {
    const assessment = await this.assessments.get(id);
    if (!this.mayRead(assessment.agency, by)) throw new NotFoundError('assessment', id);
    return withoutStorageFields(assessment);
  }

  /** For DIC: systems whose periodic re-check is overdue (001 Điều 7.2.b). */
  async overdue(by: Actor) {
    if (!isDic(by) && !hasRole(by, 'auditor'))
      unwrap(forbidden('not-dic', 'DIC follows up overdue re-checks', '001 Điều 7.2.b'));
    return { items: overdueRechecks(await this.assessments.confirmed(), this.clock()) };
  }

  private mayRead(agency: string, by: Actor): boolean {
    return isDic(by) || hasRole(by, 'auditor', 'committee') || actsForAgency(by, agency);
  }
}
