import { Injectable } from '@nestjs/common';
import { AggregateRepositoryOf, type AggregateDoc } from '@openlgsp/persistence';
import type { Checkpoint } from './checkpoint.rules.js';
import { CheckpointSchema } from './checkpoint.schema.js';

export type CheckpointDoc = Checkpoint & AggregateDoc;

/** Checkpoints and the events announcing them, written together (the outbox publishes them). */
@Injectable()
export class CheckpointsRepository extends AggregateRepositoryOf<CheckpointDoc>(
  'checkpoint',
  'Checkpoint',
  CheckpointSchema,
) {
  /** Every checkpoint in sequence order (a few a day: small). */
  async all(): Promise<Checkpoint[]> {
    const docs = (await this.model.find({}, { outbox: 0 }).sort({ _id: 1 }).lean()) as CheckpointDoc[];
    return docs.map(checkpointOf);
  }

  async latest(): Promise<Checkpoint | undefined> {
    const [doc] = (await this.model
      .find({}, { outbox: 0 })
      .sort({ _id: -1 })
      .limit(1)
      .lean()) as CheckpointDoc[];
    return doc ? checkpointOf(doc) : undefined;
  }
}

export function checkpointOf(doc: CheckpointDoc): Checkpoint {
  const { seq, hash, signedAt, keyId, algorithm, signature } = doc;
  return { seq, hash, signedAt, keyId, algorithm, signature };
}
