import type { CatalogueEntryView, CatalogueServiceView } from '../catalogue-view/catalogue-view.model.js';
import type { CatalogueViewChange } from '../catalogue-view/catalogue-view.rules.js';
import type { GrantState } from './grant.model.js';
import type { AccessQuestion } from './grant.rules.js';

/** What the access check needs of one grant. */
export type GrantSummary = Pick<
  GrantState,
  '_id' | 'revision' | 'serviceId' | 'holderAgency' | 'entryId' | 'fields' | 'validity' | 'status'
>;

export function grantSummary(grant: GrantSummary): GrantSummary {
  // `_id` and `revision` first, in this order: the stored holdings compare summaries field by field.
  return {
    _id: grant._id,
    revision: grant.revision,
    ...(grant.serviceId ? { serviceId: grant.serviceId } : {}),
    holderAgency: grant.holderAgency,
    entryId: grant.entryId,
    fields: grant.fields,
    validity: grant.validity,
    status: grant.status,
  };
}

/**
 * How fresh an answer from the view is: the last stream sequences it applied (compare them with the
 * streams' to see how far behind it is), and when it last changed.
 */
export interface AccessViewFreshness {
  /** CATALOGUE stream (entries and services). */
  catalogueSeq: number;
  /** SHARING stream (grants and planned suspensions). */
  sharingSeq: number;
  changedAt: string;
}

/**
 * The access check's view, held in memory: the catalogue's entries and services as sharing sees them,
 * every holder's grants per entry, and the services under a planned suspension. Loaded from the store
 * at start and kept current from the CATALOGUE and SHARING streams; it only ever moves forward (a
 * late, older grant revision or entry version changes nothing).
 */
export class AccessView {
  private readonly entries = new Map<string, CatalogueEntryView>();
  private readonly services = new Map<string, CatalogueServiceView>();
  private readonly holdings = new Map<string, Map<string, GrantSummary>>();
  private suspendedServices = new Set<string>();
  private readonly positions = { catalogue: 0, sharing: 0 };
  private changedAt: Date;

  constructor(now: Date = new Date(0)) {
    this.changedAt = now;
  }

  entry(id: string): CatalogueEntryView | null {
    return this.entries.get(id) ?? null;
  }

  /** The same change the stored view takes (catalogue-view.rules.ts), with the same version guard. */
  applyCatalogue(change: CatalogueViewChange, now: Date): void {
    switch (change.kind) {
      case 'put-entry': {
        const current = this.entries.get(change.view._id);
        if (!current || current.version <= change.view.version)
          this.entries.set(change.view._id, change.view);
        break;
      }
      case 'set-entry': {
        const current = this.entries.get(change.id);
        if (current) this.entries.set(change.id, { ...current, ...change.changes });
        break;
      }
      case 'put-service':
        this.services.set(change.view._id, change.view);
        break;
      case 'set-service': {
        const current = this.services.get(change.id);
        if (current) this.services.set(change.id, { ...current, ...change.changes });
        break;
      }
    }
    this.changedAt = now;
  }

  /** A grant's summary; an older revision than the one held changes nothing. */
  recordGrant(grant: GrantSummary, now: Date): void {
    const key = holdingKey(grant.holderAgency, grant.entryId);
    const held = this.holdings.get(key) ?? new Map<string, GrantSummary>();
    const current = held.get(grant._id);
    if (current && current.revision > grant.revision) return;
    held.set(grant._id, grantSummary(grant));
    this.holdings.set(key, held);
    this.changedAt = now;
  }

  setPlannedSuspension(serviceId: string, inEffect: boolean, now: Date): void {
    if (inEffect === this.suspendedServices.has(serviceId)) return;
    if (inEffect) this.suspendedServices.add(serviceId);
    else this.suspendedServices.delete(serviceId);
    this.changedAt = now;
  }

  /** Every service under a planned suspension now, as the store says. */
  replacePlannedSuspensions(serviceIds: Iterable<string>, now: Date): void {
    const next = new Set(serviceIds);
    const same =
      next.size === this.suspendedServices.size && [...next].every((s) => this.suspendedServices.has(s));
    if (same) return;
    this.suspendedServices = next;
    this.changedAt = now;
  }

  /** Applied up to this stream sequence (positions never go back). */
  advance(stream: 'catalogue' | 'sharing', seq: number): void {
    this.positions[stream] = Math.max(this.positions[stream], seq);
  }

  /** What `answerAccess` needs to answer `q`, and how fresh it is. */
  facts(q: AccessQuestion) {
    return {
      entry: this.entries.get(q.entryId) ?? null,
      service: q.serviceId ? (this.services.get(q.serviceId) ?? null) : null,
      serviceUnderPlannedSuspension: q.serviceId ? this.suspendedServices.has(q.serviceId) : false,
      grants: [...(this.holdings.get(holdingKey(q.holderAgency, q.entryId))?.values() ?? [])],
    };
  }

  freshness(): AccessViewFreshness {
    return {
      catalogueSeq: this.positions.catalogue,
      sharingSeq: this.positions.sharing,
      changedAt: this.changedAt.toISOString(),
    };
  }
}

const holdingKey = (holderAgency: string, entryId: string) => `${holderAgency}|${entryId}`;
