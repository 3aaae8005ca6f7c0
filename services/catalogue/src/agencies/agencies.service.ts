import { Inject, Injectable } from '@nestjs/common';
import { unwrap, type Actor } from '@openlgsp/domain';
import { CLOCK, type Clock } from '@openlgsp/events';
import { DuplicateError } from '@openlgsp/persistence';
import { AgenciesRepository } from './agencies.repository.js';
import type { AgencyState } from './agency.model.js';
import { foldCode, register, update, type AgencyDetails } from './agency.rules.js';

@Injectable()
export class AgenciesService {
  constructor(
    private readonly agencies: AgenciesRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async register(code: string, details: AgencyDetails, by: Actor) {
    const parent = details.parentCode ? await this.agencies.find(details.parentCode) : null;
    const change = unwrap(register(code, details, parent, by, this.clock()));
    // The unique index decides a race; this says which agency the code collides with.
    const same = await this.agencies.withFoldedCode(foldCode(code));
    if (same)
      throw new DuplicateError(
        `agency ${same._id} is registered; codes differing only in letter case are one code`,
      );
    await this.agencies.create(change, by);
    return { code };
  }

  async update(code: string, details: AgencyDetails, by: Actor) {
    const parent = details.parentCode ? await this.agencies.find(details.parentCode) : null;
    return shown(
      await this.agencies.apply(code, by, (agency) => update(agency, details, parent, by, this.clock())),
    );
  }

  async get(code: string) {
    return shown(await this.agencies.get(code));
  }

  async all() {
    return (await this.agencies.all()).map(shown);
  }
}

/** The agency as callers see it: the folded code is the store's key, not a detail. */
function shown({ codeFolded: _folded, ...agency }: AgencyState) {
  return agency;
}
