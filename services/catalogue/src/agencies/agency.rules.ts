import { fail, ok, type Change, type Result, type Actor } from '@openlgsp/domain';
import type { AgencyLevel, AgencyState, FocalPoint } from './agency.model.js';

export interface AgencyDetails {
  nationalId?: string;
  name: string;
  level: AgencyLevel;
  parentCode?: string;
  focalPoint?: FocalPoint;
}

/** A commune sits under a district, a district under the province; the province has no parent. */
const PARENT_LEVEL: Record<AgencyLevel, AgencyLevel | undefined> = {
  province: undefined,
  district: 'province',
  commune: 'district',
};

function checkParent(details: AgencyDetails, parent: AgencyState | null): Result<true> {
  if (!details.parentCode) return ok(true);
  if (!parent)
    return fail('invalid', 'unknown-parent', `parent agency ${details.parentCode} is not registered`, {
      path: '/parentCode',
    });
  const expected = PARENT_LEVEL[details.level];
  if (expected && parent.level !== expected)
    return fail(
      'invalid',
      'parent-level',
      `a ${details.level} agency sits under a ${expected} agency, not a ${parent.level}`,
      {
        path: '/parentCode',
      },
    );
  return ok(true);
}

/** Agency codes are unique regardless of letter case (issue 13 §4): the key they are compared by. */
export function foldCode(code: string): string {
  return code.toLowerCase();
}

export function register(
  code: string,
  details: AgencyDetails,
  parent: AgencyState | null,
  by: Actor,
  now: Date,
): Result<Change<AgencyState>> {
  if (!by.roles.includes('dic')) return fail('forbidden', 'not-dic', 'only DIC registers agencies');
  const parentOk = checkParent(details, parent);
  if (!parentOk.ok) return parentOk;
  const next: AgencyState = {
    _id: code,
    codeFolded: foldCode(code),
    revision: 1,
    ...details,
    registeredAt: now,
    updatedAt: now,
  };
  return ok({
    next,
    facts: [{ type: 'vn.openlgsp.catalogue.agency.registered.v1', data: { code, ...details } }],
  });
}

export function update(
  agency: AgencyState,
  details: AgencyDetails,
  parent: AgencyState | null,
  by: Actor,
  now: Date,
): Result<Change<AgencyState>> {
  if (!by.roles.includes('dic')) return fail('forbidden', 'not-dic', 'only DIC updates agencies');
  if (details.parentCode === agency._id)
    return fail('invalid', 'own-parent', 'an agency cannot be its own parent', { path: '/parentCode' });
  const parentOk = checkParent(details, parent);
  if (!parentOk.ok) return parentOk;
  const next: AgencyState = {
    _id: agency._id,
    codeFolded: foldCode(agency._id),
    revision: agency.revision,
    // Optional details left out of an update are removed, so the store says what the event says.
    nationalId: details.nationalId,
    parentCode: details.parentCode,
    focalPoint: details.focalPoint,
    ...details,
    registeredAt: agency.registeredAt,
    updatedAt: now,
  };
  return ok({
    next,
    facts: [{ type: 'vn.openlgsp.catalogue.agency.updated.v1', data: { code: agency._id, ...details } }],
  });
}
