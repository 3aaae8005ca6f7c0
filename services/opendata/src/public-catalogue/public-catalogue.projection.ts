import { Injectable } from '@nestjs/common';
import type { DatasetPublishedV1, DatasetRetractedV1, DatasetUpdatedV1 } from '@openlgsp/contracts';
import type { LgspEvent } from '@openlgsp/events';
import { PublicCatalogueRepository } from './public-catalogue.repository.js';
import {
  applyRetraction,
  applyVersion,
  publisherOf,
  searchEntryOf,
  versionOf,
} from './public-catalogue.rules.js';
import type { PublicDataset } from './public-catalogue.model.js';

/**
 * Keeps the public read model in step with the change feed. Every step is an idempotent upsert by
 * `_id`, so a redelivered event rewrites the same documents; the version guard is in the rules.
 */
@Injectable()
export class PublicCatalogueProjection {
  constructor(private readonly store: PublicCatalogueRepository) {}

  async onVersion(event: LgspEvent<DatasetPublishedV1 | DatasetUpdatedV1>): Promise<void> {
    const version = versionOf(event.data);
    // The version first: a dataset document never points at a version that is not stored.
    await this.store.putVersion(version);
    await this.store.putPublisher(
      publisherOf(await this.store.publisher(version.metadata.publisher.agency), version),
    );
    const next = applyVersion(await this.store.dataset(version.datasetId), version);
    if (next) await this.save(next);
    await this.store.addActivity({
      _id: event.id,
      datasetId: version.datasetId,
      kind: version.version === 1 && event.type.endsWith('.published.v1') ? 'published' : 'updated',
      version: version.version,
      at: version.publishedAt,
    });
  }

  async onRetracted(event: LgspEvent<DatasetRetractedV1>): Promise<void> {
    const next = applyRetraction(await this.store.dataset(event.data.datasetId), event.data);
    if (next) await this.save(next);
    await this.store.addActivity({
      _id: event.id,
      datasetId: event.data.datasetId,
      kind: 'retracted',
      version: event.data.version,
      at: new Date(event.data.retractedAt),
    });
  }

  private async save(doc: PublicDataset): Promise<void> {
    await this.store.putDataset(doc);
    const entry = searchEntryOf(doc);
    if (entry) await this.store.putSearchEntry(entry);
  }
}
