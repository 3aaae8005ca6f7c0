import type { AlertRaisedV1 } from '@openlgsp/contracts';
import type { LgspEvent } from '@openlgsp/events';
import { fingerprintOf } from './dedup.rules.js';
import { canonicalObservables } from './observable.rules.js';

const ALERT_RAISED = 'vn.openlgsp.incidents.alert.raised.v1';

/**
 * The order parallel intake keeps for alerts: those with one fingerprint (agency, category,
 * indicators — what makes reports one incident, DOMAIN.md §5) one after another, so the first opens the
 * incident and the next join it without racing for its dedup keys; other alerts at once. `undefined`
 * (ordered by subject) for anything else, or an alert the checks will refuse.
 */
export function alertOrderKey(event: LgspEvent): string | undefined {
  if (event.type !== ALERT_RAISED || !event.agency) return undefined;
  const alert = event.data as Partial<AlertRaisedV1> | undefined;
  if (!alert?.category || !Array.isArray(alert.observables)) return undefined;
  const observables = canonicalObservables(alert.observables);
  if (!observables.ok) return undefined;
  return `incident:${fingerprintOf({ agency: event.agency, category: alert.category, observables: observables.value })}`;
}
