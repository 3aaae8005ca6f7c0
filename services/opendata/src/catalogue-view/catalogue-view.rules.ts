import type {
  AgencyRegisteredV1,
  AgencyUpdatedV1,
  EntryAmendedV1,
  EntryListedV1,
  EntryWithdrawnV1,
  ServiceDeclaredV1,
  ServiceUpdatedV1,
} from '@openlgsp/contracts';
import type { AgencyView, CatalogueEntryView, CatalogueServiceView } from './catalogue-view.model.js';

/**
 * How catalogue events change opendata's view of the catalogue. Each function returns the view to
 * store, or null when the event changes nothing (an older version, a repeat), so a redelivered or
 * late event is harmless whatever order events arrive in.
 */

/** An entry listed or amended: its newer content, never bringing a withdrawn entry back. */
export function entryContent(
  current: CatalogueEntryView | null,
  data: EntryListedV1 | EntryAmendedV1,
  at: Date,
): CatalogueEntryView | null {
  if (current && current.version >= data.version) return null;
  return {
    _id: data.entryId,
    version: data.version,
    name: data.content.name,
    ownerAgency: data.content.ownerAgency,
    open: data.content.open,
    status: current?.status ?? 'listed',
    updatedAt: at,
  };
}

/**
 * An entry withdrawn (004 Điều 4.2): kept, marked withdrawn, even when its listing has not arrived
 * yet, so a late listing cannot make it publishable. Its datasets are then retracted
 * (dataset.rules `retractForWithdrawnEntry`).
 */
export function entryWithdrawn(
  current: CatalogueEntryView | null,
  data: EntryWithdrawnV1,
  at: Date,
): CatalogueEntryView | null {
  if (current?.status === 'withdrawn') return null;
  return {
    _id: data.entryId,
    version: Math.max(current?.version ?? 0, data.version),
    name: current?.name ?? '',
    ownerAgency: current?.ownerAgency ?? '',
    open: false,
    status: 'withdrawn',
    updatedAt: at,
  };
}

/** A sharing service declared or updated; a retired service stays retired. */
export function serviceDeclared(
  current: CatalogueServiceView | null,
  data: ServiceDeclaredV1 | ServiceUpdatedV1,
  at: Date,
): CatalogueServiceView | null {
  if (current && current.updatedAt > at) return null;
  return {
    _id: data.serviceId,
    entryId: data.entryId,
    providerAgency: data.providerAgency,
    name: data.name,
    endpoint: data.endpoint,
    status: current?.status === 'retired' ? 'retired' : data.status,
    updatedAt: at,
  };
}

/** A service suspended, resumed or retired; nothing brings a retired service back. */
export function serviceStatus(
  current: CatalogueServiceView | null,
  status: CatalogueServiceView['status'],
  at: Date,
): CatalogueServiceView | null {
  if (!current || current.status === 'retired' || current.status === status || current.updatedAt > at)
    return null;
  return { ...current, status, updatedAt: at };
}

/** An agency registered or updated: the publisher's name and national identifier. */
export function agencyFrom(data: AgencyRegisteredV1 | AgencyUpdatedV1): AgencyView {
  return { code: data.code, name: data.name, ...(data.nationalId ? { nationalId: data.nationalId } : {}) };
}
