import { Injectable } from '@nestjs/common';
import { AggregateRepositoryOf } from '@openlgsp/persistence';
import type { WarningState } from './warning.model.js';
import { WarningSchema } from './warning.schema.js';

@Injectable()
export class WarningsRepository extends AggregateRepositoryOf<WarningState>(
  'warning',
  'Warning',
  WarningSchema,
) {}
