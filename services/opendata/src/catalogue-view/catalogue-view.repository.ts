import { Inject, Injectable } from '@nestjs/common';
import type { Connection, Model, Schema } from 'mongoose';
import { NotFoundError } from '@openlgsp/domain';
import { MONGO_CONNECTION } from '@openlgsp/persistence';
import type { AgencyView, CatalogueEntryView, CatalogueServiceView } from './catalogue-view.model.js';
import {
  AgencyViewSchema,
  CatalogueEntryViewSchema,
  CatalogueServiceViewSchema,
} from './catalogue-view.schema.js';

type StoredEntry = CatalogueEntryView & { datasets?: string[] };

const modelOf = <T>(connection: Connection, name: string, schema: Schema) =>
  (connection.models[name] ?? connection.model(name, schema)) as unknown as Model<T>;

/**
 * Opendata's view of the catalogue, every read and write by `_id`. Written by the catalogue feed's
 * handlers (one durable consumer, in stream order) and, for an entry's dataset list, by drafting.
 */
@Injectable()
export class CatalogueViewRepository {
  private readonly entries: Model<StoredEntry>;
  private readonly services: Model<CatalogueServiceView>;
  private readonly agencies: Model<AgencyView & { _id: string }>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.entries = modelOf(connection, 'OpendataEntryView', CatalogueEntryViewSchema);
    this.services = modelOf(connection, 'OpendataServiceView', CatalogueServiceViewSchema);
    this.agencies = modelOf(connection, 'OpendataAgencyView', AgencyViewSchema);
  }

  async entry(id: string): Promise<CatalogueEntryView | null> {
    const doc = (await this.entries.findById(id, { datasets: 0 }).lean()) as CatalogueEntryView | null;
    return doc;
  }

  async requireEntry(id: string): Promise<CatalogueEntryView> {
    const entry = await this.entry(id);
    if (!entry) throw new NotFoundError('catalogue entry', id);
    return entry;
  }

  /** Keeps the view's fields, never the dataset list (a rule's view knows nothing of it). */
  async putEntry(view: CatalogueEntryView): Promise<void> {
    const { _id, ...fields } = view;
    await this.entries.updateOne({ _id }, { $set: fields }, { upsert: true });
  }

  async addDataset(entryId: string, datasetId: string): Promise<void> {
    await this.entries.updateOne({ _id: entryId }, { $addToSet: { datasets: datasetId } });
  }

  async datasetsOf(entryId: string): Promise<string[]> {
    const doc = (await this.entries.findById(entryId, { datasets: 1 }).lean()) as {
      datasets?: string[];
    } | null;
    return doc?.datasets ?? [];
  }

  async service(id: string): Promise<CatalogueServiceView | null> {
    return (await this.services.findById(id).lean()) as CatalogueServiceView | null;
  }

  /** The services a draft names, loaded by `_id` each. */
  async servicesByIds(ids: readonly string[]): Promise<CatalogueServiceView[]> {
    const found = await Promise.all([...new Set(ids)].map((id) => this.service(id)));
    return found.filter((s): s is CatalogueServiceView => s !== null);
  }

  async putService(view: CatalogueServiceView): Promise<void> {
    await this.services.replaceOne({ _id: view._id }, view, { upsert: true });
  }

  async agency(code: string): Promise<AgencyView | null> {
    const doc = (await this.agencies.findById(code).lean()) as (AgencyView & { _id: string }) | null;
    if (!doc) return null;
    return { code: doc.code, name: doc.name, ...(doc.nationalId ? { nationalId: doc.nationalId } : {}) };
  }

  async putAgency(view: AgencyView): Promise<void> {
    await this.agencies.replaceOne({ _id: view.code }, { _id: view.code, ...view }, { upsert: true });
  }
}
