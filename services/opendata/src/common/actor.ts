import { fail, type Result } from '@openlgsp/domain';

/** Who acts: a person or key of an agency, with its roles. Catalogue reactions act as the platform. */
export interface Actor {
  sub: string;
  agency: string;
  roles: readonly string[];
}

export function hasRole(by: Actor, ...roles: string[]): boolean {
  return roles.some((r) => by.roles.includes(r));
}

/** The owning agency's side: its officers (provider) or its systems (integrator) (Kon Tum 2022 Điều 9.2). */
export function actsAsOwnerOf(by: Actor, agency: string): boolean {
  return by.agency === agency && hasRole(by, 'provider', 'integrator');
}

/** The portal's editors are DIC officers with the `editor` role (Khánh Hòa 2018 Điều 7). */
export function isEditor(by: Actor): boolean {
  return hasRole(by, 'editor');
}

/** DIC runs the portal (Kon Tum 2022 Điều 10). */
export function isDic(by: Actor): boolean {
  return hasRole(by, 'dic');
}

export function forbidden<T>(code: string, message: string, source?: string): Result<T> {
  return fail('forbidden', code, message, source ? { source } : {});
}
