import { Inject, Injectable } from '@nestjs/common';
import type { Connection, Model } from 'mongoose';
import { NotFoundError, type Actor, type Result } from '@openlgsp/domain';
import { AggregateRepositoryOf, MONGO_CONNECTION } from '@openlgsp/persistence';
import type { DatasetState, DatasetVersion } from './dataset.model.js';
import type { DatasetChange } from './dataset.rules.js';
import { DatasetSchema, DatasetVersionSchema } from './dataset.schema.js';

@Injectable()
export class DatasetsRepository extends AggregateRepositoryOf<DatasetState>(
  'dataset',
  'Dataset',
  DatasetSchema,
) {
  /**
   * A use-case step on a dataset: drafts, submissions and returns change it without telling the public
   * feed anything, so a change without facts is written too.
   */
  change(id: string, by: Actor | undefined, rule: (doc: DatasetState) => Result<DatasetChange>) {
    return this.applyChange(id, by, rule, { writeWithoutFacts: true });
  }

  /** The documents a time-driven pass reads: what freshness needs, bounded. */
  async freshnessFacts(limit: number) {
    return (await this.model
      .find({ latestVersion: { $gt: 0 } } as never, {
        _id: 1,
        entryId: 1,
        ownerAgency: 1,
        status: 1,
        latestVersion: 1,
        nextUpdateDue: 1,
        firstPublishedAt: 1,
        lastReviewedAt: 1,
        'current.metadata.title': 1,
      })
      .sort({ _id: 1 })
      .limit(limit)
      .lean()) as unknown as Pick<
      DatasetState,
      | '_id'
      | 'entryId'
      | 'ownerAgency'
      | 'status'
      | 'latestVersion'
      | 'nextUpdateDue'
      | 'firstPublishedAt'
      | 'lastReviewedAt'
      | 'current'
    >[];
  }
}

/** The immutable versions, kept beside the dataset (two documents, written without a transaction). */
@Injectable()
export class DatasetVersionsRepository {
  private readonly versions: Model<DatasetVersion & { _id: string }>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.versions = (connection.models.DatasetVersion ??
      connection.model('DatasetVersion', DatasetVersionSchema)) as unknown as Model<
      DatasetVersion & { _id: string }
    >;
  }

  /** Stores a version once; a version already kept is never changed (a repeat is harmless). */
  async keep(version: DatasetVersion): Promise<void> {
    const _id = `${version.datasetId}:${version.version}`;
    await this.versions.updateOne({ _id }, { $setOnInsert: { _id, ...version } }, { upsert: true });
  }

  async find(datasetId: string, version: number): Promise<DatasetVersion | null> {
    const doc = (await this.versions.findById(`${datasetId}:${version}`).lean()) as
      (DatasetVersion & { _id?: string }) | null;
    if (!doc) return null;
    const { _id, ...rest } = doc;
    return rest;
  }

  async get(datasetId: string, version: number): Promise<DatasetVersion> {
    const found = await this.find(datasetId, version);
    if (!found) throw new NotFoundError('dataset version', `${datasetId} v${version}`);
    return found;
  }
}
