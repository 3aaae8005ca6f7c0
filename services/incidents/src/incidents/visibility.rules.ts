import type { Observable, Tlp } from '@openlgsp/contracts';
import { actsForAgency, hasRole, isDic, type Actor } from '../common/actor.js';
import type { IncidentState } from './incident.model.js';

/**
 * Who sees what of an incident. An agency sees its own incidents; DIC responders see all; auditors
 * read all, as everywhere on the platform; the Provincial Police reads the incidents marked for it
 * (002 Điều 9.1). Observables follow their TLP 2.0 marking: CLEAR and GREEN for every reader of the
 * incident; AMBER and AMBER+STRICT within the agency and DIC; RED only DIC responders and the
 * reporter. Withheld observables are counted, so a reader knows there is more to ask DIC for.
 */
export type IncidentView = Omit<IncidentState, 'revision' | 'observables' | 'fingerprint'> & {
  observables: Observable[];
  withheldObservables: number;
  /** Only for those who see every observable: from the others' indicators, a RED one could be guessed back from it. */
  fingerprint?: string;
};

type Audience = 'dic' | 'reporter' | 'agency' | 'auditor' | 'police';

function audienceOf(incident: IncidentState, viewer: Actor): Audience | null {
  if (isDic(viewer)) return 'dic';
  if (actsForAgency(viewer, incident.agency))
    return viewer.sub === incident.reportedBy ? 'reporter' : 'agency';
  if (hasRole(viewer, 'auditor')) return 'auditor';
  if (hasRole(viewer, 'police') && incident.referredToPolice) return 'police';
  return null;
}

const MARKINGS_FOR: Readonly<Record<Audience, readonly Tlp[]>> = {
  dic: ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'],
  reporter: ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'],
  agency: ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT'],
  // Auditors and the police are outside the agency: the community's markings only.
  auditor: ['CLEAR', 'GREEN'],
  police: ['CLEAR', 'GREEN'],
};

/** The incident as `viewer` may see it, or null when it may not see it at all. */
export function viewOf(incident: IncidentState, viewer: Actor): IncidentView | null {
  const audience = audienceOf(incident, viewer);
  if (!audience) return null;
  const { revision: _revision, observables, fingerprint, ...rest } = incident;
  const allowed = MARKINGS_FOR[audience];
  const shown = observables.filter((o) => allowed.includes(o.tlp));
  const withheld = observables.length - shown.length;
  return { ...rest, ...(withheld ? {} : { fingerprint }), observables: shown, withheldObservables: withheld };
}

/**
 * Which incidents a list shows `viewer` (a store filter on plain fields), or null when it may list
 * none. Each listed incident still goes through viewOf.
 */
export function incidentListFilter(viewer: Actor): Record<string, unknown> | null {
  if (isDic(viewer) || hasRole(viewer, 'auditor')) return {};
  const own = hasRole(viewer, 'provider', 'consumer', 'integrator') ? { agency: viewer.agency } : null;
  const police = hasRole(viewer, 'police') ? { referredToPolice: true } : null;
  if (own && police) return { $or: [own, police] };
  return own ?? police;
}
