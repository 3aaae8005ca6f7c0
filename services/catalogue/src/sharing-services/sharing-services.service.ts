import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { unwrap, type Result } from '@openlgsp/domain';
import { CLOCK, EventFactory, type Clock } from '@openlgsp/events';
import { EntriesRepository } from '../entries/entries.repository.js';
import type { Actor } from '../entries/entry.model.js';
import { facetedSearch } from '../search/faceted-search.js';
import type {
  Protocol,
  ServiceDescription,
  ServiceStatus,
  SharingServiceState,
} from './sharing-service.model.js';
import { declare, resume, retire, suspend, update, type ServiceChange } from './sharing-service.rules.js';
import { SharingServicesRepository } from './sharing-services.repository.js';

export interface ServiceSearch {
  q?: string;
  provider?: string;
  entryId?: string;
  protocol?: Protocol;
  status?: ServiceStatus;
  limit: number;
  cursor?: string;
}

/** The registry of sharing services' use cases (004 Điều 5; 000 Điều 5.7). */
@Injectable()
export class SharingServicesService {
  constructor(
    private readonly services: SharingServicesRepository,
    private readonly entries: EntriesRepository,
    private readonly events: EventFactory,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async declare(input: { entryId: string } & ServiceDescription, by: Actor) {
    const entry = await this.entries.get(input.entryId);
    const { entryId: _e, ...description } = input;
    const change = unwrap(declare(entry, { serviceId: uuidv7(), ...description }, by, this.clock()));
    await this.services.insert(change.next, this.events.createAll(change.facts, change.next._id, by));
    return { serviceId: change.next._id };
  }

  update(serviceId: string, changes: Partial<ServiceDescription>, by: Actor) {
    return this.apply(serviceId, by, (s, now) => update(s, changes, by, now));
  }

  suspend(serviceId: string, input: { reason: string; until?: Date }, by: Actor) {
    return this.apply(serviceId, by, (s, now) => suspend(s, input, by, now));
  }

  resume(serviceId: string, by: Actor) {
    return this.apply(serviceId, by, (s, now) => resume(s, by, now));
  }

  retire(serviceId: string, reason: string, by: Actor) {
    return this.apply(serviceId, by, (s, now) => retire(s, reason, by, now));
  }

  /** When an entry leaves the catalogue its services go with it (idempotent: retired ones are skipped). */
  async retireAllOf(entryId: string, reason: string): Promise<number> {
    let retired = 0;
    for (const service of await this.services.ofEntry(entryId)) {
      if (service.status === 'retired') continue;
      await this.apply(service._id, undefined, (s, now) => retire(s, reason, undefined, now));
      retired++;
    }
    return retired;
  }

  get(serviceId: string) {
    return this.services.get(serviceId);
  }

  search(query: ServiceSearch) {
    return facetedSearch(
      this.services.collection,
      {},
      {
        q: query.q,
        filters: {
          providerAgency: query.provider,
          entryId: query.entryId,
          protocol: query.protocol,
          status: query.status,
        },
        facets: { protocol: 'protocol', status: 'status', provider: 'providerAgency' },
        limit: query.limit,
        cursor: query.cursor,
      },
    );
  }

  private async apply(
    serviceId: string,
    by: Actor | undefined,
    rule: (s: SharingServiceState, now: Date) => Result<ServiceChange>,
  ): Promise<SharingServiceState> {
    const service = await this.services.get(serviceId);
    const change = unwrap(rule(service, this.clock()));
    if (!change.facts.length) return service;
    const { _id, revision: _r, ...next } = change.next;
    return this.services.update(
      _id,
      service.revision,
      next,
      this.events.createAll(change.facts, serviceId, by),
    );
  }
}
