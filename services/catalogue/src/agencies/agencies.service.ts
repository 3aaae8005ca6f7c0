import { Inject, Injectable } from '@nestjs/common';
import { unwrap, type Actor } from '@openlgsp/domain';
import { CLOCK, type Clock } from '@openlgsp/events';
import { AgenciesRepository } from './agencies.repository.js';
import { register, update, type AgencyDetails } from './agency.rules.js';

@Injectable()
export class AgenciesService {
  constructor(
    private readonly agencies: AgenciesRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async register(code: string, details: AgencyDetails, by: Actor) {
    const parent = details.parentCode ? await this.agencies.find(details.parentCode) : null;
    const change = unwrap(register(code, details, parent, by, this.clock()));
    await this.agencies.create(change, by);
    return { code };
  }

  async update(code: string, details: AgencyDetails, by: Actor) {
    const parent = details.parentCode ? await this.agencies.find(details.parentCode) : null;
    return this.agencies.apply(code, by, (agency) => update(agency, details, parent, by, this.clock()));
  }

  get(code: string) {
    return this.agencies.get(code);
  }

  all() {
    return this.agencies.all();
  }
}
