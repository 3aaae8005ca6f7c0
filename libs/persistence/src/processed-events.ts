import { Schema, type Connection, type Model } from 'mongoose';
import type { ProcessedEvents } from '@openlgsp/events';
import { isStoreUnavailable } from './unavailable.js';

interface ProcessedDoc {
  _id: string;
  at: Date;
}

const schema = new Schema<ProcessedDoc>({ _id: String, at: Date }, { versionKey: false });

/** The ids each consumer has applied, one document per (consumer, event id). */
export class MongoProcessedEvents implements ProcessedEvents {
  private readonly model: Model<ProcessedDoc>;

  constructor(connection: Connection) {
    this.model =
      (connection.models.ProcessedEvent as Model<ProcessedDoc>) ??
      connection.model<ProcessedDoc>('ProcessedEvent', schema, 'processed_events');
  }

  async has(consumer: string, eventId: string): Promise<boolean> {
    return (await this.model.exists({ _id: `${consumer}:${eventId}` })) !== null;
  }

  unavailable(err: unknown): boolean {
    return isStoreUnavailable(err);
  }

  async add(consumer: string, eventId: string): Promise<void> {
    await this.model.updateOne(
      { _id: `${consumer}:${eventId}` },
      { $setOnInsert: { at: new Date() } },
      { upsert: true },
    );
  }
}
