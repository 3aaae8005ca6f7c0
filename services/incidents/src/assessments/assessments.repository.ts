import { Inject, Injectable } from '@nestjs/common';
import type { Connection } from 'mongoose';
import { EventFactory, OutboxRelay, type LgspEvent } from '@openlgsp/events';
import { AggregateRepositoryOf, IdLists, MONGO_CONNECTION, type WriteOptions } from '@openlgsp/persistence';
import type { AssessmentState } from './assessment.model.js';
import { AssessmentSchema } from './assessment.schema.js';

/** Assessments on record; every system has few, so its list is read whole. */
const PER_SYSTEM = 500;
const CONFIRMED = 5_000;

const systemKey = (agency: string, systemId: string) => `system|${agency}|${systemId}`;

@Injectable()
export class AssessmentsRepository extends AggregateRepositoryOf<AssessmentState>(
  'assessment',
  'Assessment',
  AssessmentSchema,
) {
  /**
   * The assessments of each system, by `_id`: deciding a registration reads them, and
   * `{ agency, systemId }` reads the whole collection on FerretDB v1 (issue 12).
   */
  private readonly ofSystems: IdLists;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection, relay: OutboxRelay, events: EventFactory) {
    super(connection, relay, events);
    this.ofSystems = new IdLists(connection, 'assessments_of_system', () => this.everyAssessment());
  }

  override async insert(
    doc: Omit<AssessmentState, 'outbox' | 'revision'> & { revision?: number },
    events: LgspEvent[],
    options: WriteOptions<AssessmentState> = {},
  ): Promise<AssessmentState> {
    await this.ofSystems.add([systemKey(doc.agency, doc.systemId)], doc._id);
    return super.insert(doc, events, options);
  }

  async ofSystem(agency: string, systemId: string): Promise<AssessmentState[]> {
    const ids = await this.ofSystems.ids(systemKey(agency, systemId));
    const found = await Promise.all(ids.slice(-PER_SYSTEM).map((id) => this.find(id)));
    return found.filter(
      (a): a is AssessmentState => a !== null && a.agency === agency && a.systemId === systemId,
    );
  }

  /**
   * The passed assessments (those with a re-check date), for DIC's overdue list: a list endpoint, so
   * a bounded scan on FerretDB v1 (MongoDB uses an index).
   */
  async confirmed(): Promise<AssessmentState[]> {
    return (await this.model
      .find({ confirmation: { $ne: null } }, { outbox: 0 })
      .limit(CONFIRMED)
      .lean()) as AssessmentState[];
  }

  /** Assessments stored before the lists existed (read once per database). */
  private async *everyAssessment(): AsyncGenerator<[string, string]> {
    for await (const a of this.model.find({}, { agency: 1, systemId: 1 }).lean().cursor()) {
      const { _id, agency, systemId } = a as unknown as { _id: string; agency: string; systemId: string };
      yield [systemKey(agency, systemId), _id];
    }
  }
}
