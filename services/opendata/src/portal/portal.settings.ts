import type { DcatLinks } from '../dcat/dcat.serialiser.js';
import type { Licence } from '../vocabularies/licences.js';

/** What the pages take from configuration: the portal's IRIs and the licence list. */
export interface PortalSettings {
  /** The same links the read side's DCAT documents use, so a dataset has one IRI (its page). */
  links: DcatLinks;
  licences: readonly Licence[];
}

export const PORTAL_SETTINGS = Symbol('PORTAL_SETTINGS');
