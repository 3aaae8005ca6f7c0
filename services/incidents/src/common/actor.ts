import { fail, type Result } from '@openlgsp/domain';

/**
 * Who acts: a person or key of an agency, with its roles (the shape of `@openlgsp/auth`'s Principal,
 * kept structural so the rules need neither Nest nor the auth library). Time-driven steps act as
 * the platform (no actor).
 */
export interface Actor {
  sub: string;
  agency: string;
  roles: readonly string[];
}

export function hasRole(by: Actor, ...roles: string[]): boolean {
  return roles.some((r) => by.roles.includes(r));
}

/** DIC: the provincial focal point for incident response and for the network (002 Điều 8.2; 001 Điều 11). */
export const isDic = (by: Actor): boolean => hasRole(by, 'dic');

/** An officer or system of the agency itself (the roles an agency's own people and systems hold). */
export function actsForAgency(by: Actor, agency: string): boolean {
  return by.agency === agency && hasRole(by, 'provider', 'consumer', 'integrator');
}

export function forbidden<T>(code: string, message: string, source?: string): Result<T> {
  return fail('forbidden', code, message, source ? { source } : {});
}

/** A reason or note that says something (every transition names who and why). */
export function checkNote<T = never>(note: string | undefined, path: string): Result<T> | null {
  if (!note?.trim()) return fail('invalid', 'note-required', 'say why, in words', { path });
  return null;
}
