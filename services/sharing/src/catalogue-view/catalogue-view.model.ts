/**
 * Sharing's own view of the catalogue, built only from catalogue events (ARCHITECTURE.md: a service
 * never reads another's database): what can be requested, from whom, how it is shared.
 */
export interface CatalogueEntryView {
  _id: string;
  /** The catalogue's content version; older events never overwrite newer content. */
  version: number;
  name: string;
  ownerAgency: string;
  sharingMode: 'default' | 'request';
  open: boolean;
  fields: string[];
  personalFields: string[];
  status: 'listed' | 'withdrawn';
  updatedAt: Date;
}

export interface CatalogueServiceView {
  _id: string;
  entryId: string;
  providerAgency: string;
  name: string;
  status: 'active' | 'suspended' | 'retired';
  updatedAt: Date;
}
