/**
 * Who acts in a rule: a person or key of an agency, with its roles. A plain shape, so rules stay free of
 * the HTTP layer (an authenticated `Principal` is one); time-driven steps act as the platform (no actor).
 */
export interface Actor {
  sub: string;
  agency: string;
  roles: readonly string[];
}

export function hasRole(by: Actor, ...roles: string[]): boolean {
  return roles.some((r) => by.roles.includes(r));
}
