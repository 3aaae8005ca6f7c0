import { Injectable } from '@nestjs/common';
import { AggregateRepositoryOf } from '@openlgsp/persistence';
import type { AssessmentState } from './assessment.model.js';
import { AssessmentSchema } from './assessment.schema.js';

/** Assessments on record; every system has few, so its list is read whole (a bounded scan). */
const PER_SYSTEM = 500;
const CONFIRMED = 5_000;

@Injectable()
export class AssessmentsRepository extends AggregateRepositoryOf<AssessmentState>(
  'assessment',
  'Assessment',
  AssessmentSchema,
) {
  async ofSystem(agency: string, systemId: string): Promise<AssessmentState[]> {
    return (await this.model
      .find({ agency, systemId }, { outbox: 0 })
      .limit(PER_SYSTEM)
      .lean()) as AssessmentState[];
  }

  /** The passed assessments (those with a re-check date), for DIC's overdue list. */
  async confirmed(): Promise<AssessmentState[]> {
    return (await this.model
      .find({ confirmation: { $ne: null } }, { outbox: 0 })
      .limit(CONFIRMED)
      .lean()) as AssessmentState[];
  }
}
