/**
 * Who acts: a person or key of an agency, with its roles (an authenticated principal, or the system
 * account behind an intake event). Time-driven steps act as the platform itself: no actor.
 */
export interface Actor {
  sub: string;
  agency: string;
  roles: readonly string[];
}
