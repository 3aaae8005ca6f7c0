import type {
  CommunityObservable,
  Fact,
  IncidentCategory,
  IncidentSeverity,
  Observable,
  Tlp,
} from '@openlgsp/contracts';
import { fail, ok, type Result } from '@openlgsp/domain';
import { forbidden, isDic, type Actor } from '../common/actor.js';
import { canonicalObservables } from '../incidents/observable.rules.js';
import type { WarningState } from './warning.model.js';

export interface WarningInput {
  title: string;
  description: string;
  category?: IncidentCategory;
  severity: IncidentSeverity;
  measures: string;
  observables: Observable[];
  tlp: Tlp;
  validUntil?: Date;
  incidentId?: string;
}

const COMMUNITY: readonly Tlp[] = ['CLEAR', 'GREEN'];

/**
 * DIC warns every agency of a threat so that they take measures (002 Điều 8.9). Every agency reads
 * it, so it carries only what every agency may read: TLP:CLEAR or TLP:GREEN, the warning and each
 * of its observables.
 */
export function issue(
  warningId: string,
  input: WarningInput,
  by: Actor,
  now: Date,
): Result<{ next: WarningState; facts: Fact[] }> {
  if (!isDic(by)) return forbidden('not-dic', 'DIC warns the agencies of threats', '002 Điều 8.9');
  for (const field of ['title', 'description', 'measures'] as const)
    if (!input[field].trim())
      return fail('invalid', 'blank', `the warning needs its ${field}`, { path: `/${field}` });
  if (!COMMUNITY.includes(input.tlp))
    return fail(
      'invalid',
      'not-for-every-agency',
      `a warning to every agency is TLP:CLEAR or TLP:GREEN, not TLP:${input.tlp}`,
      {
        path: '/tlp',
      },
    );
  const narrow = input.observables.findIndex((o) => !COMMUNITY.includes(o.tlp));
  if (narrow >= 0)
    return fail(
      'invalid',
      'not-for-every-agency',
      `TLP:${input.observables[narrow]!.tlp} may not go to every agency; warn with CLEAR or GREEN indicators only`,
      { path: `/observables/${narrow}/tlp` },
    );
  if (input.validUntil && input.validUntil <= now)
    return fail('invalid', 'already-expired', 'a warning is valid until a time to come', {
      path: '/validUntil',
    });
  const observables = canonicalObservables(input.observables);
  if (!observables.ok) return observables;
  const next: WarningState = {
    _id: warningId,
    revision: 1,
    title: input.title,
    description: input.description,
    ...(input.category ? { category: input.category } : {}),
    severity: input.severity,
    measures: input.measures,
    observables: observables.value as CommunityObservable[],
    tlp: input.tlp as WarningState['tlp'],
    validUntil: input.validUntil ?? null,
    ...(input.incidentId ? { incidentId: input.incidentId } : {}),
    issuedBy: by.sub,
    issuedAt: now,
  };
  return ok({
    next,
    facts: [
      {
        type: 'vn.openlgsp.incidents.warning.issued.v1',
        data: {
          warningId,
          title: next.title,
          description: next.description,
          ...(next.category ? { category: next.category } : {}),
          severity: next.severity,
          measures: next.measures,
          observables: next.observables,
          tlp: next.tlp,
          ...(next.validUntil ? { validUntil: next.validUntil.toISOString() } : {}),
          ...(next.incidentId ? { incidentId: next.incidentId } : {}),
          by: by.sub,
        },
      },
    ],
  });
}
