import { fail, hasRole, type Actor, type Result } from '@openlgsp/domain';

/** The owning agency's side: its officers (provider) or its systems (integrator) (000 Điều 9.2). */
export function actsAsOwnerOf(by: Actor, agency: string): boolean {
  return by.agency === agency && hasRole(by, 'provider', 'integrator');
}

/** The portal's editors are DIC officers with the `editor` role (003 Điều 7). */
export function isEditor(by: Actor): boolean {
  return hasRole(by, 'editor');
}

/** DIC runs the portal (000 Điều 10). */
export function isDic(by: Actor): boolean {
  return hasRole(by, 'dic');
}

export function forbidden<T>(code: string, message: string, source?: string): Result<T> {
  return fail('forbidden', code, message, source ? { source } : {});
}
