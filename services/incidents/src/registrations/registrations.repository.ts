import { Injectable } from '@nestjs/common';
import { AggregateRepositoryOf } from '@openlgsp/persistence';
import type { RegistrationState } from './registration.model.js';
import { RegistrationSchema } from './registration.schema.js';

@Injectable()
export class RegistrationsRepository extends AggregateRepositoryOf<RegistrationState>(
  'registration',
  'NetworkRegistration',
  RegistrationSchema,
) {}
