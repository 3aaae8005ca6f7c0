/**
 * Opendata's own view of the catalogue, built only from catalogue events (ARCHITECTURE.md: a service
 * never reads another's database): which entries may be published as open data, by whom, which
 * sharing services a distribution may point to, and the agencies that publish.
 */
export interface CatalogueEntryView {
  _id: string;
  /** The catalogue's content version; older events never overwrite newer content. */
  version: number;
  name: string;
  ownerAgency: string;
  /** The owner decided the data is open (000 Điều 9.2). */
  open: boolean;
  status: 'listed' | 'withdrawn';
  updatedAt: Date;
}

export interface CatalogueServiceView {
  _id: string;
  entryId: string;
  providerAgency: string;
  name: string;
  endpoint: string;
  status: 'active' | 'suspended' | 'retired';
  updatedAt: Date;
}

export interface AgencyView {
  /** The token-safe code. */
  code: string;
  name: string;
  /** The national identifier (mã định danh), when registered. */
  nationalId?: string;
}
