import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { unwrap, type Actor } from '@openlgsp/domain';
import { CLOCK, type Clock } from '@openlgsp/events';
import { withoutStorageFields } from '@openlgsp/persistence';
import { issue, type WarningInput } from './warning.rules.js';
import { WarningsRepository } from './warnings.repository.js';

/** DIC's warnings to every agency (002 Điều 8.9): the warning.issued event is for all to subscribe to. */
@Injectable()
export class WarningsService {
  constructor(
    private readonly warnings: WarningsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async issue(input: WarningInput, by: Actor) {
    const change = unwrap(issue(uuidv7(), input, by, this.clock()));
    await this.warnings.create(change, by);
    return { warningId: change.next._id };
  }

  /** Every agency reads every warning: they are TLP:CLEAR or TLP:GREEN by rule. */
  async get(warningId: string) {
    return withoutStorageFields(await this.warnings.get(warningId));
  }

  list(page: { limit: number; cursor?: string }) {
    return this.warnings.page({}, page);
  }
}
