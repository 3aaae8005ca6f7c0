import { Inject, Injectable } from '@nestjs/common';
import { unwrap } from '@openlgsp/domain';
import { CLOCK, EventFactory, type Clock } from '@openlgsp/events';
import type { Actor } from '../entries/entry.model.js';
import { AgenciesRepository } from './agencies.repository.js';
import { register, update, type AgencyDetails } from './agency.rules.js';

@Injectable()
export class AgenciesService {
  constructor(
    private readonly agencies: AgenciesRepository,
    private readonly events: EventFactory,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async register(code: string, details: AgencyDetails, by: Actor) {
    const parent = details.parentCode ? await this.agencies.find(details.parentCode) : null;
    const change = unwrap(register(code, details, parent, by, this.clock()));
    await this.agencies.insert(change.next, this.events.createAll(change.facts, code, by));
    return { code };
  }

  async update(code: string, details: AgencyDetails, by: Actor) {
    const agency = await this.agencies.get(code);
    const parent = details.parentCode ? await this.agencies.find(details.parentCode) : null;
    const change = unwrap(update(agency, details, parent, by, this.clock()));
    const { _id, revision: _r, ...next } = change.next;
    return this.agencies.update(code, agency.revision, next, this.events.createAll(change.facts, code, by));
  }

  get(code: string) {
    return this.agencies.get(code);
  }

  all() {
    return this.agencies.all();
  }
}
