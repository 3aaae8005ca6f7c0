import { actsAsProviderOf } from '@openlgsp/auth';
import { fail, ok, searchable, type Result, type Change, type Actor } from '@openlgsp/domain';
import type { EntryState } from '../entries/entry.model.js';
import type { Fact } from '@openlgsp/contracts';
import type { ServiceDescription, SharingServiceState } from './sharing-service.model.js';

const SCHEMES: Record<string, string[]> = {
  rest: ['https:', 'http:'],
  soap: ['https:', 'http:'],
  graphql: ['https:', 'http:'],
  sftp: ['sftp:'],
  nats: ['nats:', 'tls:'],
  other: ['https:', 'http:', 'sftp:', 'nats:', 'tls:'],
};

/** The endpoint's scheme must fit the protocol; credentials never belong in a registry URL. */
export function checkEndpoint(d: Pick<ServiceDescription, 'protocol' | 'endpoint'>): Result<true> {
  let url: URL;
  try {
    url = new URL(d.endpoint);
  } catch {
    return fail('invalid', 'bad-endpoint', 'endpoint is not a URL', { path: '/endpoint' });
  }
  if (!SCHEMES[d.protocol]!.includes(url.protocol))
    return fail(
      'invalid',
      'bad-endpoint',
      `a ${d.protocol} endpoint uses ${SCHEMES[d.protocol]!.join(' or ')}`,
      {
        path: '/endpoint',
      },
    );
  if (url.username || url.password)
    return fail('invalid', 'credentials-in-endpoint', 'endpoint must not carry credentials', {
      path: '/endpoint',
    });
  return ok(true);
}

/** 004 Điều 5: the owner of a listed entry declares the services through which it shares it. */
export function declare(
  entry: EntryState,
  input: { serviceId: string } & ServiceDescription,
  by: Actor,
  now: Date,
): Result<Change<SharingServiceState>> {
  if (!actsAsProviderOf(by, entry.ownerAgency))
    return fail('forbidden', 'not-owner', `only ${entry.ownerAgency} declares services for its entry`, {
      source: '004 Điều 5',
    });
  if (entry.status !== 'listed')
    return fail(
      'conflict',
      'not-listed',
      `entry is ${entry.status}; services are declared for listed entries only`,
    );
  const endpoint = checkEndpoint(input);
  if (!endpoint.ok) return endpoint;
  const { serviceId, ...description } = input;
  const next: SharingServiceState = {
    _id: serviceId,
    revision: 1,
    entryId: entry._id,
    providerAgency: entry.ownerAgency,
    ...description,
    status: 'active',
    suspension: null,
    retiredReason: null,
    entryText: searchable(entry.content.name, entry.content.sector),
    searchText: searchable(description.name, entry.content.name, entry.content.sector),
    declaredAt: now,
    updatedAt: now,
  };
  return ok({ next, facts: [described('vn.openlgsp.catalogue.service.declared.v1', next)] });
}

/** 000 Điều 5.7: providers tell the LGSP when a service changes. */
export function update(
  service: SharingServiceState,
  changes: Partial<ServiceDescription>,
  by: Actor,
  now: Date,
): Result<Change<SharingServiceState>> {
  if (!actsAsProviderOf(by, service.providerAgency))
    return fail('forbidden', 'not-owner', `only ${service.providerAgency} updates this service`);
  if (service.status === 'retired') return fail('conflict', 'retired', 'a retired service cannot change');
  const merged = { ...service, ...dropUndefined(changes) };
  const endpoint = checkEndpoint(merged);
  if (!endpoint.ok) return endpoint;
  const changed = (Object.keys(dropUndefined(changes)) as (keyof ServiceDescription)[]).some(
    (k) => changes[k] !== service[k],
  );
  if (!changed) return ok({ next: service, facts: [] });
  const next: SharingServiceState = {
    ...merged,
    searchText: searchable(merged.name, service.entryText),
    updatedAt: now,
  };
  return ok({ next, facts: [described('vn.openlgsp.catalogue.service.updated.v1', next)] });
}

export function suspend(
  service: SharingServiceState,
  input: { reason: string; until?: Date },
  by: Actor,
  now: Date,
): Result<Change<SharingServiceState>> {
  if (!actsAsProviderOf(by, service.providerAgency) && !by.roles.includes('dic'))
    return fail('forbidden', 'not-owner', `only ${service.providerAgency} or DIC suspends this service`);
  if (service.status !== 'active') return fail('conflict', 'not-active', `service is ${service.status}`);
  if (input.until && input.until <= now)
    return fail('invalid', 'until-in-past', 'a suspension ends in the future', { path: '/until' });
  const next: SharingServiceState = { ...service, status: 'suspended', suspension: input, updatedAt: now };
  return ok({
    next,
    facts: [
      {
        type: 'vn.openlgsp.catalogue.service.suspended.v1',
        data: {
          serviceId: service._id,
          entryId: service.entryId,
          reason: input.reason,
          ...(input.until ? { until: input.until.toISOString() } : {}),
        },
      },
    ],
  });
}

export function resume(
  service: SharingServiceState,
  by: Actor,
  now: Date,
): Result<Change<SharingServiceState>> {
  if (!actsAsProviderOf(by, service.providerAgency) && !by.roles.includes('dic'))
    return fail('forbidden', 'not-owner', `only ${service.providerAgency} or DIC resumes this service`);
  if (service.status !== 'suspended')
    return fail('conflict', 'not-suspended', `service is ${service.status}`);
  const next: SharingServiceState = { ...service, status: 'active', suspension: null, updatedAt: now };
  return ok({
    next,
    facts: [
      {
        type: 'vn.openlgsp.catalogue.service.resumed.v1',
        data: { serviceId: service._id, entryId: service.entryId },
      },
    ],
  });
}

/** By its provider, or by the platform itself when the entry leaves the catalogue (`by` undefined). */
export function retire(
  service: SharingServiceState,
  reason: string,
  by: Actor | undefined,
  now: Date,
): Result<Change<SharingServiceState>> {
  if (by && !actsAsProviderOf(by, service.providerAgency) && !by.roles.includes('dic'))
    return fail('forbidden', 'not-owner', `only ${service.providerAgency} or DIC retires this service`);
  if (service.status === 'retired') return fail('conflict', 'retired', 'service is already retired');
  const next: SharingServiceState = {
    ...service,
    status: 'retired',
    suspension: null,
    retiredReason: reason,
    updatedAt: now,
  };
  return ok({
    next,
    facts: [
      {
        type: 'vn.openlgsp.catalogue.service.retired.v1',
        data: { serviceId: service._id, entryId: service.entryId, reason },
      },
    ],
  });
}

function described(
  type: 'vn.openlgsp.catalogue.service.declared.v1' | 'vn.openlgsp.catalogue.service.updated.v1',
  s: SharingServiceState,
): Fact {
  return {
    type,
    data: {
      serviceId: s._id,
      entryId: s.entryId,
      providerAgency: s.providerAgency,
      name: s.name,
      protocol: s.protocol,
      endpoint: s.endpoint,
      ...(s.documentationUrl ? { documentationUrl: s.documentationUrl } : {}),
      version: s.version,
      status: s.status,
    },
  } as Fact;
}

function dropUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
