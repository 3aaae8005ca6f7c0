import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { unwrap, type Actor } from '@openlgsp/domain';
import { CLOCK, type Clock } from '@openlgsp/events';
import { EntriesRepository } from '../entries/entries.repository.js';
import { facetedSearch } from '../search/faceted-search.js';
import type { Protocol, ServiceDescription, ServiceStatus } from './sharing-service.model.js';
import { declare, resume, retire, suspend, update } from './sharing-service.rules.js';
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
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async declare(input: { entryId: string } & ServiceDescription, by: Actor) {
    const entry = await this.entries.get(input.entryId);
    const { entryId: _e, ...description } = input;
    const change = unwrap(declare(entry, { serviceId: uuidv7(), ...description }, by, this.clock()));
    await this.services.create(change, by);
    return { serviceId: change.next._id };
  }

  update(serviceId: string, changes: Partial<ServiceDescription>, by: Actor) {
    return this.services.apply(serviceId, by, (s) => update(s, changes, by, this.clock()));
  }

  suspend(serviceId: string, input: { reason: string; until?: Date }, by: Actor) {
    return this.services.apply(serviceId, by, (s) => suspend(s, input, by, this.clock()));
  }

  resume(serviceId: string, by: Actor) {
    return this.services.apply(serviceId, by, (s) => resume(s, by, this.clock()));
  }

  retire(serviceId: string, reason: string, by: Actor) {
    return this.services.apply(serviceId, by, (s) => retire(s, reason, by, this.clock()));
  }

  /** When an entry leaves the catalogue its services go with it (idempotent: retired ones are skipped). */
  async retireAllOf(entryId: string, reason: string): Promise<number> {
    let retired = 0;
    for (const service of await this.services.ofEntry(entryId)) {
      if (service.status === 'retired') continue;
      await this.services.apply(service._id, undefined, (s) => retire(s, reason, undefined, this.clock()));
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
}
