import { hasRole, seesEverything } from '@openlgsp/auth';
import { fail, type Actor, type Result } from '@openlgsp/domain';

export function forbidden<T>(code: string, message: string, source?: string): Result<T> {
  return fail('forbidden', code, message, source ? { source } : {});
}

/** Which documents an agency may read: its own as either party, everything for DIC and auditors. */
export function partyFilter(
  by: Actor,
  providerField: string,
  consumerField: string,
): Record<string, unknown> | null {
  if (seesEverything(by)) return {};
  const sides: Record<string, string>[] = [];
  if (hasRole(by, 'provider', 'integrator')) sides.push({ [providerField]: by.agency });
  if (hasRole(by, 'consumer', 'integrator')) sides.push({ [consumerField]: by.agency });
  if (sides.length === 0) return null;
  return sides.length === 1 ? sides[0]! : { $or: sides };
}

export function isParty(by: Actor, ...agencies: string[]): boolean {
  return seesEverything(by) || agencies.includes(by.agency);
}
