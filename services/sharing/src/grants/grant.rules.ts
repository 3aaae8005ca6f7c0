import type { Fact } from '@openlgsp/contracts';
import { fail, ok, type Result, type Change, type Actor } from '@openlgsp/domain';
import type { CatalogueEntryView, CatalogueServiceView } from '../catalogue-view/catalogue-view.model.js';
import { actsAsProviderOf, hasRole } from '@openlgsp/auth';
import { forbidden } from '../common/actor.js';
import { periodData } from '../common/scope.js';
import type { GrantState, SuspensionCause, TerminationCause } from './grant.model.js';

/** What a decision fixes; the rest of a grant's state starts with its issue. */
export type GrantTerms = { grantId: string } & Pick<
  GrantState,
  | 'origin'
  | 'requestId'
  | 'disputeId'
  | 'entryId'
  | 'serviceId'
  | 'ownerAgency'
  | 'holderAgency'
  | 'fields'
  | 'validity'
  | 'conditions'
>;

const who = (g: GrantState) => ({
  grantId: g._id,
  entryId: g.entryId,
  ...(g.serviceId ? { serviceId: g.serviceId } : {}),
  ownerAgency: g.ownerAgency,
  holderAgency: g.holderAgency,
});

const LIVE = ['active', 'suspended'] as const;
const isLive = (g: GrantState) => (LIVE as readonly string[]).includes(g.status);

/** Issued from an approval, a DIC order, or default sharing (000 Điều 5.5; 004 Điều 11.2, 15). */
export function issue(terms: GrantTerms, now: Date): Change<GrantState> {
  const { grantId, ...rest } = terms;
  const next: GrantState = {
    _id: grantId,
    revision: 1,
    ...rest,
    status: 'active',
    suspension: null,
    ended: null,
    issuedAt: now,
    updatedAt: now,
  };
  return {
    next,
    facts: [
      {
        type: 'vn.openlgsp.sharing.grant.issued.v1',
        data: {
          ...who(next),
          origin: next.origin,
          requestId: next.requestId,
          ...(next.disputeId ? { disputeId: next.disputeId } : {}),
          fields: next.fields,
          validity: periodData(next.validity),
          ...(next.conditions.length ? { conditions: next.conditions } : {}),
        },
      },
    ],
  };
}

/** The provider side of the grant's owner, or DIC (004 Điều 13.1.h). */
function mayActOn(grant: GrantState, by: Actor): Result<true> {
  if (!actsAsProviderOf(by, grant.ownerAgency) && !hasRole(by, 'dic'))
    return forbidden('not-owner', `only ${grant.ownerAgency} or DIC acts on this grant`, '004 Điều 13.1.h');
  return ok(true);
}

/** For one consumer: a breach of the usage rules or a security risk (Decree 47 Điều 43). */
export function suspend(
  grant: GrantState,
  input: { cause: Exclude<SuspensionCause, 'planned-suspension'>; reason: string; until?: Date },
  by: Actor,
  now: Date,
): Result<Change<GrantState>> {
  const may = mayActOn(grant, by);
  if (!may.ok) return may;
  if (grant.status !== 'active') return fail('conflict', 'not-active', `grant is ${grant.status}`);
  if (input.until && input.until <= now)
    return fail('invalid', 'until-in-past', 'a suspension ends in the future', { path: '/until' });
  return ok(suspended(grant, { ...input, at: now }, now));
}

/** Time-driven: a planned suspension of the grant's service took effect. */
export function suspendForPlannedSuspension(
  grant: GrantState,
  plan: { suspensionId: string; reason: string; until: Date },
  now: Date,
): Result<Change<GrantState>> {
  if (grant.status !== 'active') return fail('conflict', 'not-active', `grant is ${grant.status}`);
  return ok(suspended(grant, { cause: 'planned-suspension', ...plan, at: now }, now));
}

function suspended(grant: GrantState, suspension: NonNullable<GrantState['suspension']>, now: Date) {
  const next: GrantState = { ...grant, status: 'suspended', suspension, updatedAt: now };
  return {
    next,
    facts: [
      {
        type: 'vn.openlgsp.sharing.grant.suspended.v1',
        data: {
          ...who(grant),
          cause: suspension.cause,
          reason: suspension.reason,
          ...(suspension.suspensionId ? { suspensionId: suspension.suspensionId } : {}),
          ...(suspension.until ? { until: suspension.until.toISOString() } : {}),
        },
      },
    ] as Fact[],
  };
}

/** A suspension for one consumer is lifted by the provider or DIC; a planned one ends with its plan. */
export function resume(
  grant: GrantState,
  by: Actor | { plannedSuspensionId: string },
  now: Date,
): Result<Change<GrantState>> {
  if (grant.status !== 'suspended') return fail('conflict', 'not-suspended', `grant is ${grant.status}`);
  if ('plannedSuspensionId' in by) {
    if (grant.suspension?.suspensionId !== by.plannedSuspensionId)
      return fail('conflict', 'other-suspension', 'the grant is suspended for another reason');
  } else {
    const may = mayActOn(grant, by);
    if (!may.ok) return may;
    if (grant.suspension?.cause === 'planned-suspension')
      return fail('conflict', 'planned-suspension', 'the grant resumes when the planned suspension ends');
  }
  const next: GrantState = { ...grant, status: 'active', suspension: null, updatedAt: now };
  return ok({ next, facts: [{ type: 'vn.openlgsp.sharing.grant.resumed.v1', data: who(grant) }] });
}

/** By the provider or DIC with a reason (Decree 47 Điều 44), or by the platform when the catalogue changes. */
export function terminate(
  grant: GrantState,
  input: { cause: TerminationCause; reason: string },
  by: Actor | undefined,
  now: Date,
): Result<Change<GrantState>> {
  if (by) {
    const may = mayActOn(grant, by);
    if (!may.ok) return may;
  }
  if (!isLive(grant)) return fail('conflict', 'ended', `grant is ${grant.status}`);
  const next: GrantState = {
    ...grant,
    status: 'terminated',
    suspension: null,
    ended: { ...input, at: now },
    updatedAt: now,
  };
  return ok({
    next,
    facts: [{ type: 'vn.openlgsp.sharing.grant.terminated.v1', data: { ...who(grant), ...input } }],
  });
}

/** Time-driven: the validity has run out. */
export function expire(grant: GrantState, now: Date): Result<Change<GrantState>> {
  if (!isLive(grant)) return fail('conflict', 'ended', `grant is ${grant.status}`);
  if (grant.validity.until > now) return fail('conflict', 'not-yet', 'the grant is still valid');
  const next: GrantState = {
    ...grant,
    status: 'expired',
    suspension: null,
    ended: { cause: 'expired', reason: 'validity ended', at: now },
    updatedAt: now,
  };
  return ok({
    next,
    facts: [
      {
        type: 'vn.openlgsp.sharing.grant.expired.v1',
        data: { ...who(grant), validUntil: grant.validity.until.toISOString() },
      },
    ],
  });
}

export interface AccessQuestion {
  holderAgency: string;
  entryId: string;
  serviceId?: string;
  fields: string[];
}

export interface AccessAnswer {
  allowed: boolean;
  grantId?: string;
  validUntil?: string;
  reasons: { code: string; message: string }[];
}

/**
 * The check a provider's system makes before serving data: an active, current grant to the holder for
 * the entry, covering every field asked for, through a service that is up. Grants limited to a service
 * cover that service only.
 */
export function answerAccess(
  q: AccessQuestion,
  ctx: {
    entry: CatalogueEntryView | null;
    service: CatalogueServiceView | null;
    serviceUnderPlannedSuspension: boolean;
    grants: Pick<
      GrantState,
      '_id' | 'serviceId' | 'holderAgency' | 'entryId' | 'fields' | 'validity' | 'status'
    >[];
  },
  now: Date,
): AccessAnswer {
  const no = (code: string, message: string): AccessAnswer => ({
    allowed: false,
    reasons: [{ code, message }],
  });
  if (!ctx.entry) return no('unknown-entry', 'the entry is not in the catalogue');
  if (ctx.entry.status !== 'listed')
    return no('entry-withdrawn', 'the entry was withdrawn from the catalogue');
  if (q.serviceId) {
    if (!ctx.service || ctx.service.entryId !== q.entryId)
      return no('unknown-service', 'the service does not share this entry');
    if (ctx.service.status !== 'active')
      return no(`service-${ctx.service.status}`, `the service is ${ctx.service.status}`);
    if (ctx.serviceUnderPlannedSuspension)
      return no('service-planned-suspension', 'the service is under a planned suspension');
  }
  const relevant = ctx.grants.filter(
    (g) =>
      g.holderAgency === q.holderAgency &&
      g.entryId === q.entryId &&
      (!g.serviceId || g.serviceId === q.serviceId),
  );
  if (relevant.length === 0) return no('no-grant', `${q.holderAgency} holds no grant for this entry`);
  const reasons: AccessAnswer['reasons'] = [];
  for (const g of relevant) {
    if (g.status !== 'active') {
      reasons.push({ code: `grant-${g.status}`, message: `grant ${g._id} is ${g.status}` });
      continue;
    }
    if (g.validity.from > now || g.validity.until <= now) {
      reasons.push({
        code: 'grant-not-current',
        message: `grant ${g._id} is valid from ${g.validity.from.toISOString()} until ${g.validity.until.toISOString()}`,
      });
      continue;
    }
    const missing = q.fields.filter((f) => !g.fields.includes(f));
    if (missing.length) {
      reasons.push({
        code: 'field-not-granted',
        message: `grant ${g._id} does not cover ${missing.join(', ')}`,
      });
      continue;
    }
    return { allowed: true, grantId: g._id, validUntil: g.validity.until.toISOString(), reasons: [] };
  }
  return { allowed: false, reasons };
}
