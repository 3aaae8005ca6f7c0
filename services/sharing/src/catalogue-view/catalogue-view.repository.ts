import { Inject, Injectable } from '@nestjs/common';
import type { Connection, Model } from 'mongoose';
import { NotFoundError } from '@openlgsp/domain';
import { MONGO_CONNECTION } from '@openlgsp/persistence';
import type { CatalogueEntryView, CatalogueServiceView } from './catalogue-view.model.js';
import { CatalogueEntryViewSchema, CatalogueServiceViewSchema } from './catalogue-view.schema.js';

/** The projection's store. Written only by the catalogue feed's handlers (one consumer, in stream order). */
@Injectable()
export class CatalogueViewRepository {
  private readonly entries: Model<CatalogueEntryView>;
  private readonly services: Model<CatalogueServiceView>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.entries = (connection.models.CatalogueEntryView ??
      connection.model('CatalogueEntryView', CatalogueEntryViewSchema)) as Model<CatalogueEntryView>;
    this.services = (connection.models.CatalogueServiceView ??
      connection.model('CatalogueServiceView', CatalogueServiceViewSchema)) as Model<CatalogueServiceView>;
  }

  async entry(id: string): Promise<CatalogueEntryView | null> {
    return (await this.entries.findById(id).lean()) as CatalogueEntryView | null;
  }

  /** Every entry and service, for the access view's load at start (the one time it reads them all). */
  async *allEntries(): AsyncGenerator<CatalogueEntryView> {
    for await (const doc of this.entries.find().lean().cursor()) yield doc as CatalogueEntryView;
  }

  async *allServices(): AsyncGenerator<CatalogueServiceView> {
    for await (const doc of this.services.find().lean().cursor()) yield doc as CatalogueServiceView;
  }

  async requireEntry(id: string): Promise<CatalogueEntryView> {
    const entry = await this.entry(id);
    if (!entry) throw new NotFoundError('catalogue entry', id);
    return entry;
  }

  async service(id: string): Promise<CatalogueServiceView | null> {
    return (await this.services.findById(id).lean()) as CatalogueServiceView | null;
  }

  async requireService(id: string): Promise<CatalogueServiceView> {
    const service = await this.service(id);
    if (!service) throw new NotFoundError('sharing service', id);
    return service;
  }

  /** Content changes keep the newest version: a redelivered or late older event changes nothing. */
  async putEntry(view: CatalogueEntryView): Promise<void> {
    const current = await this.entry(view._id);
    if (current && current.version > view.version) return;
    await this.entries.replaceOne({ _id: view._id }, view, { upsert: true });
  }

  async setEntry(id: string, changes: Partial<Omit<CatalogueEntryView, '_id'>>): Promise<void> {
    await this.entries.updateOne({ _id: id }, { $set: changes });
  }

  async putService(view: CatalogueServiceView): Promise<void> {
    await this.services.replaceOne({ _id: view._id }, view, { upsert: true });
  }

  async setService(id: string, changes: Partial<Omit<CatalogueServiceView, '_id'>>): Promise<void> {
    await this.services.updateOne({ _id: id }, { $set: changes });
  }
}
