import { fail, ok, type Result, type Change, type Actor } from '@openlgsp/domain';
import type { CatalogueServiceView } from '../catalogue-view/catalogue-view.model.js';
import { actsAsProviderOf, hasRole } from '@openlgsp/auth';
import { forbidden } from '../common/actor.js';
import type { SharingConfig } from '../config.js';
import type { PlannedSuspensionState } from './planned-suspension.model.js';

/** A maintenance window longer than this is a retirement, not a suspension. */
const MAX_WINDOW_MS = 30 * 86_400_000;

const who = (s: PlannedSuspensionState) => ({
  suspensionId: s._id,
  serviceId: s.serviceId,
  entryId: s.entryId,
  ownerAgency: s.ownerAgency,
});

export function announce(
  suspensionId: string,
  service: CatalogueServiceView,
  input: { reason: string; startsAt: Date; expectedRestorationAt: Date },
  by: Actor,
  now: Date,
  config: Pick<SharingConfig, 'calendar' | 'plannedNoticeWorkingDays'>,
): Result<Change<PlannedSuspensionState>> {
  if (!actsAsProviderOf(by, service.providerAgency))
    return forbidden('not-owner', `only ${service.providerAgency} plans suspensions of its service`);
  if (service.status === 'retired') return fail('conflict', 'service-retired', 'the service is retired');
  const notice = config.calendar.workingDaysBetween(now, input.startsAt);
  if (input.startsAt <= now || notice < config.plannedNoticeWorkingDays)
    return fail(
      'invalid',
      'notice-too-short',
      `a planned suspension is announced at least ${config.plannedNoticeWorkingDays} working days ahead (this gives ${Math.max(0, notice)})`,
      { path: '/startsAt', source: 'Nghị định 47/2020/NĐ-CP Điều 43' },
    );
  if (input.expectedRestorationAt <= input.startsAt)
    return fail('invalid', 'restoration-before-start', 'restoration comes after the start', {
      path: '/expectedRestorationAt',
    });
  if (input.expectedRestorationAt.getTime() - input.startsAt.getTime() > MAX_WINDOW_MS)
    return fail('invalid', 'window-too-long', 'a planned suspension lasts at most 30 days', {
      path: '/expectedRestorationAt',
    });
  const next: PlannedSuspensionState = {
    _id: suspensionId,
    revision: 1,
    serviceId: service._id,
    entryId: service.entryId,
    ownerAgency: service.providerAgency,
    ...input,
    status: 'announced',
    announcedBy: by.sub,
    announcedAt: now,
    startedAt: null,
    endedAt: null,
    grantsSuspended: false,
    grantsResumed: false,
    updatedAt: now,
  };
  return ok({
    next,
    facts: [
      {
        type: 'vn.openlgsp.sharing.service-suspension.announced.v1',
        data: {
          ...who(next),
          reason: input.reason,
          startsAt: input.startsAt.toISOString(),
          expectedRestorationAt: input.expectedRestorationAt.toISOString(),
        },
      },
    ],
  });
}

/** Time-driven: effective at its start time. */
export function start(s: PlannedSuspensionState, now: Date): Result<Change<PlannedSuspensionState>> {
  if (s.status !== 'announced') return fail('conflict', 'not-announced', `suspension is ${s.status}`);
  if (s.startsAt > now) return fail('conflict', 'not-yet', 'the suspension has not started');
  const next: PlannedSuspensionState = { ...s, status: 'in-effect', startedAt: now, updatedAt: now };
  return ok({
    next,
    facts: [
      {
        type: 'vn.openlgsp.sharing.service-suspension.started.v1',
        data: { ...who(s), expectedRestorationAt: s.expectedRestorationAt.toISOString() },
      },
    ],
  });
}

/**
 * Ends it: by the provider (or DIC) at any time — a cancellation before it starts, a restoration
 * after — or by the platform at the expected restoration time (`by` undefined).
 */
export function end(
  s: PlannedSuspensionState,
  by: Actor | undefined,
  now: Date,
): Result<Change<PlannedSuspensionState>> {
  if (by && !actsAsProviderOf(by, s.ownerAgency) && !hasRole(by, 'dic'))
    return forbidden('not-owner', `only ${s.ownerAgency} or DIC ends this suspension`);
  if (s.status !== 'announced' && s.status !== 'in-effect')
    return fail('conflict', 'ended', `suspension is already ${s.status}`);
  if (!by && (s.status !== 'in-effect' || s.expectedRestorationAt > now))
    return fail('conflict', 'not-yet', 'the expected restoration time has not come');
  const outcome = s.status === 'announced' ? 'cancelled' : 'restored';
  const next: PlannedSuspensionState = {
    ...s,
    status: outcome,
    endedAt: now,
    // A cancelled plan never suspended anything.
    ...(outcome === 'cancelled' ? { grantsResumed: true } : {}),
    updatedAt: now,
  };
  return ok({
    next,
    facts: [{ type: 'vn.openlgsp.sharing.service-suspension.ended.v1', data: { ...who(s), outcome } }],
  });
}
