import { Injectable } from '@nestjs/common';
import { AggregateRepositoryOf } from '@openlgsp/persistence';
import type { DisputeState } from './dispute.model.js';
import { DisputeSchema } from './dispute.schema.js';

@Injectable()
export class DisputesRepository extends AggregateRepositoryOf<DisputeState>(
  'dispute',
  'Dispute',
  DisputeSchema,
) {}
