import { fail, ok, type Result } from '@openlgsp/domain';
import { seesEverything, type Principal } from '@openlgsp/auth';

/**
 * Whose entries a caller may read: DIC and auditors everyone's (000 Điều 8.4: DIC monitors and
 * reports); any other agency officer only those about its own agency.
 */
export function readableAgency(by: Principal, requested?: string): Result<{ agency?: string }> {
  if (seesEverything(by)) return ok(requested ? { agency: requested } : {});
  if (!by.agency) return fail('forbidden', 'agency-scope', 'the caller belongs to no agency');
  if (requested && requested !== by.agency)
    return fail(
      'forbidden',
      'agency-scope',
      `an agency reads the entries about itself only (${by.agency}), not about ${requested}`,
      { path: '?agency' },
    );
  return ok({ agency: by.agency });
}

/** A period given as from/to: from before to, and no longer than `maxDays` when bounded. */
export function period(
  from: string | undefined,
  to: string | undefined,
  maxDays?: number,
): Result<{ from?: string; to?: string }> {
  const f = from ? new Date(from) : undefined;
  const t = to ? new Date(to) : undefined;
  if (f && t && f.getTime() >= t.getTime())
    return fail('invalid', 'bad-period', `from (${from}) must be before to (${to})`, { path: '?to' });
  if (maxDays !== undefined) {
    if (!f || !t)
      return fail('invalid', 'bad-period', 'give both from and to', { path: f ? '?to' : '?from' });
    if (t.getTime() - f.getTime() > maxDays * 86_400_000)
      return fail('invalid', 'period-too-long', `a period covers at most ${maxDays} days`, { path: '?to' });
  }
  return ok({ ...(f ? { from: f.toISOString() } : {}), ...(t ? { to: t.toISOString() } : {}) });
}
