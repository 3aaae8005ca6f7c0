import type {
  EntryAmendedV1,
  EntryListedV1,
  EntryReviewedV1,
  EntryWithdrawnV1,
  ServiceDeclaredV1,
  ServiceUpdatedV1,
} from '@openlgsp/contracts';
import type { LgspEvent } from '@openlgsp/events';
import type { CatalogueEntryView, CatalogueServiceView } from './catalogue-view.model.js';

/** What one catalogue fact changes in sharing's view of the catalogue. */
export type CatalogueViewChange =
  | { kind: 'put-entry'; view: CatalogueEntryView }
  | { kind: 'set-entry'; id: string; changes: Partial<Omit<CatalogueEntryView, '_id'>> }
  | { kind: 'put-service'; view: CatalogueServiceView }
  | { kind: 'set-service'; id: string; changes: Partial<Omit<CatalogueServiceView, '_id'>> };

const CATALOGUE = 'vn.openlgsp.catalogue.';
const at = (e: LgspEvent) => new Date(e.time ?? Date.now());

/**
 * The one mapping from catalogue facts to the view, applied both to the stored view (the catalogue
 * feed's handlers) and to the access check's view in memory. `current` is the entry as the view holds
 * it now (an amendment never brings back a withdrawn entry). `null` for facts the view ignores.
 */
export function catalogueViewChange(
  event: LgspEvent,
  current: Pick<CatalogueEntryView, 'status'> | null,
): CatalogueViewChange | null {
  switch (event.type.slice(CATALOGUE.length).replace(/\.v1$/, '')) {
    case 'entry.listed':
    case 'entry.amended': {
      const { entryId, version, content } = event.data as EntryListedV1 | EntryAmendedV1;
      return {
        kind: 'put-entry',
        view: {
          _id: entryId,
          version,
          name: content.name,
          ownerAgency: content.ownerAgency,
          sharingMode: content.sharingMode,
          open: content.open ?? false,
          fields: content.dataFields.map((f) => f.name),
          personalFields: content.dataFields.filter((f) => f.personal).map((f) => f.name),
          status: current?.status ?? 'listed',
          updatedAt: at(event),
        },
      };
    }
    case 'entry.reviewed': {
      // Decree 47 Điều 34: the six-monthly review may move request-based sharing to default.
      const d = event.data as EntryReviewedV1;
      if (d.outcome !== 'move-to-default') return null;
      return { kind: 'set-entry', id: d.entryId, changes: { sharingMode: 'default', updatedAt: at(event) } };
    }
    case 'entry.withdrawn': {
      const d = event.data as EntryWithdrawnV1;
      return { kind: 'set-entry', id: d.entryId, changes: { status: 'withdrawn', updatedAt: at(event) } };
    }
    case 'service.declared':
    case 'service.updated': {
      const d = event.data as ServiceDeclaredV1 | ServiceUpdatedV1;
      return {
        kind: 'put-service',
        view: {
          _id: d.serviceId,
          entryId: d.entryId,
          providerAgency: d.providerAgency,
          name: d.name,
          status: d.status,
          updatedAt: at(event),
        },
      };
    }
    case 'service.suspended':
    case 'service.resumed':
    case 'service.retired': {
      const verb = event.type.slice(CATALOGUE.length).split('.')[1];
      const status = verb === 'suspended' ? 'suspended' : verb === 'resumed' ? 'active' : 'retired';
      const id = (event.data as { serviceId: string }).serviceId;
      return { kind: 'set-service', id, changes: { status, updatedAt: at(event) } };
    }
    default:
      return null;
  }
}

/** The entry whose current state `catalogueViewChange` needs for this fact: a listing's or an amendment's. */
export function entryIdOf(event: LgspEvent): string | undefined {
  return /\.entry\.(listed|amended)\.v1$/.test(event.type)
    ? (event.data as { entryId?: string }).entryId
    : undefined;
}
