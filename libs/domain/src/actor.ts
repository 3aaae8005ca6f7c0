/**
 * Who acts: a person or key of an agency, with its roles (an authenticated principal, or the system
 * account behind an intake event). A plain shape, so rules stay free of the HTTP layer. Time-driven
 * steps act as the platform itself: no actor.
 */
export interface Actor {
  sub: string;
  agency: string;
  roles: readonly string[];
}

export function hasRole(by: Pick<Actor, 'roles'>, ...roles: string[]): boolean {
  return roles.some((r) => by.roles.includes(r));
}
