/** A data-sharing service in the registry (004 Điều 5): an interface of a provider's system. */
export type ServiceStatus = 'active' | 'suspended' | 'retired';
export const PROTOCOLS = ['rest', 'soap', 'graphql', 'sftp', 'nats', 'other'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export interface ServiceDescription {
  name: string;
  protocol: Protocol;
  endpoint: string;
  documentationUrl?: string;
  version: string;
}

export interface SharingServiceState extends ServiceDescription {
  _id: string;
  /** Optimistic-concurrency counter of the document (the interface's own version is `version`). */
  revision: number;
  entryId: string;
  providerAgency: string;
  status: ServiceStatus;
  suspension: { reason: string; until?: Date } | null;
  retiredReason: string | null;
  /** Folded name and sector of the entry the service shares, so a search for either finds it. */
  entryText: string;
  searchText: string;
  declaredAt: Date;
  updatedAt: Date;
}
