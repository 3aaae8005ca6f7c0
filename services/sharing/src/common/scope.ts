import type { LegalReference } from '@openlgsp/contracts';
import { fail, ok, type Result } from '@openlgsp/domain';

export interface Period {
  from: Date;
  until: Date;
}

/** No grant or request runs longer than this: sharing is reviewed, not granted forever. */
export const MAX_PERIOD_DAYS = 5 * 366;
const DAY_MS = 86_400_000;

export function checkPeriod(period: Period, now: Date, path: string): Result<true> {
  if (!(period.until > period.from))
    return fail('invalid', 'empty-period', 'until must be after from', { path: `${path}/until` });
  if (period.until <= now)
    return fail('invalid', 'period-in-past', 'the period must end in the future', { path: `${path}/until` });
  if (period.until.getTime() - period.from.getTime() > MAX_PERIOD_DAYS * DAY_MS)
    return fail('invalid', 'period-too-long', `a period lasts at most ${MAX_PERIOD_DAYS} days`, {
      path: `${path}/until`,
    });
  return ok(true);
}

/** Every field named must be one of `allowed` (the entry's fields, or what was asked for). */
export function checkFields(
  fields: readonly string[],
  allowed: readonly string[],
  path: string,
  what: string,
) {
  const index = fields.findIndex((f) => !allowed.includes(f));
  if (index >= 0)
    return fail('invalid', 'unknown-field', `${fields[index]} is not ${what}`, { path: `${path}/${index}` });
  return ok(true as const);
}

export function periodData(p: Period) {
  return { from: p.from.toISOString(), until: p.until.toISOString() };
}

/** Refusals rest on law (Decree 194/2025 Điều 16.2): at least one instrument, and reasons in words. */
export function checkRefusal(
  input: { reasons: string; legalBasis: LegalReference[] },
  opts: { articleRequired: boolean },
): Result<true> {
  if (!input.reasons?.trim())
    return fail('invalid', 'refusal-needs-reasons', 'a refusal states its reasons', {
      path: '/reasons',
      source: 'Nghị định 194/2025/NĐ-CP Điều 16.2',
    });
  if (!input.legalBasis?.length)
    return fail(
      'invalid',
      'refusal-needs-legal-basis',
      'a refusal cites the legal basis for restricting sharing',
      {
        path: '/legalBasis',
        source: 'Nghị định 194/2025/NĐ-CP Điều 16.2',
      },
    );
  if (opts.articleRequired) {
    const index = input.legalBasis.findIndex((l) => !l.article);
    if (index >= 0)
      return fail(
        'invalid',
        'refusal-needs-article',
        "a request made on a data subject's behalf is refused only by a named article of law",
        { path: `/legalBasis/${index}/article`, source: 'QĐ 60/2021/QĐ-UBND Điều 13.2.h' },
      );
  }
  return ok(true);
}
