import { Inject, Injectable } from '@nestjs/common';
import type { Connection, Model } from 'mongoose';
import { AggregateRepositoryOf, MONGO_CONNECTION } from '@openlgsp/persistence';
import type { FeedbackState } from './feedback.model.js';
import { FeedbackSchema, FeedbackServiceSchema } from './feedback.schema.js';

@Injectable()
export class FeedbackRepository extends AggregateRepositoryOf<FeedbackState>(
  'feedback',
  'Feedback',
  FeedbackSchema,
) {}

export interface FeedbackServiceView {
  _id: string;
  providerAgency: string;
  status: string;
  updatedAt: Date;
}

/**
 * Sharing services as feedback needs them (who provides it, whether it is retired), projected by the
 * feedback feature itself from catalogue events (consumer OPENDATA_FEEDBACK_SERVICES).
 */
@Injectable()
export class FeedbackServicesRepository {
  private readonly services: Model<FeedbackServiceView>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.services = (connection.models.FeedbackService ??
      connection.model('FeedbackService', FeedbackServiceSchema)) as Model<FeedbackServiceView>;
  }

  async find(id: string): Promise<FeedbackServiceView | null> {
    return (await this.services.findById(id).lean()) as FeedbackServiceView | null;
  }

  async put(view: FeedbackServiceView): Promise<void> {
    await this.services.replaceOne({ _id: view._id }, view, { upsert: true });
  }

  /** A retired service stays retired, whatever arrives after. */
  async setStatus(id: string, status: string, at: Date): Promise<void> {
    const current = await this.find(id);
    if (!current || current.status === 'retired') return;
    await this.services.updateOne({ _id: id }, { $set: { status, updatedAt: at } });
  }
}
