/**
 * Who is calling: roles, the principal attached to every authenticated request, and the
 * agency-scoping rule (an agency acts on its own data; DIC coordinates).
 */

/** The roles of DOMAIN.md's actors. The display name of `dic` is configuration, not code. */
export const Role = {
  /** The provincial DIC (now the Department of Science and Technology): runs the platform. */
  Dic: 'dic',
  /** The Provincial People's Committee: decides on catalogue changes and network registrations. */
  Committee: 'committee',
  /**
   * A DIC officer who reviews open data before each publication (Khánh Hòa 2018 Điều 7); granted to
   * DIC staff only, apart from `dic` so that running the platform and editing the portal stay separate.
   */
  Editor: 'editor',
  /** An officer of a provider agency (owns databases and sharing services). */
  Provider: 'provider',
  /** An officer of a consumer agency (uses shared data). */
  Consumer: 'consumer',
  Auditor: 'auditor',
  /** The Provincial Police (state-secret scans, cyber security). */
  Police: 'police',
  /** An agency's system account (integrations). */
  Integrator: 'integrator',
  /** An external app calling with an API key. */
  PublicApp: 'public-app',
} as const;
export type Role = (typeof Role)[keyof typeof Role];

export const ROLES: readonly Role[] = Object.freeze(Object.values(Role));

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Agency codes travel in NATS subjects, so they are token safe: letters, digits, `-`, `_`. */
export const AGENCY_CODE_PATTERN = /^[A-Za-z0-9_-]{2,64}$/;

export function isAgencyCode(value: unknown): value is string {
  return typeof value === 'string' && AGENCY_CODE_PATTERN.test(value);
}

export interface Principal {
  /** The user (token `sub`) or the API key id. */
  sub: string;
  /** The acting agency's code; `''` for an API key that belongs to no agency. */
  agency: string;
  roles: Role[];
  via: 'token' | 'api-key';
}

export function hasRole(principal: Principal, ...roles: Role[]): boolean {
  return roles.some((role) => principal.roles.includes(role));
}

/** DIC coordinates the platform and may act on any agency's entries. */
export function isCoordinator(principal: Principal): boolean {
  return hasRole(principal, Role.Dic);
}

/** True when the principal may act on something owned by `agencyCode`. */
export function actsFor(principal: Principal, agencyCode: string): boolean {
  if (isCoordinator(principal)) return true;
  return principal.agency !== '' && principal.agency === agencyCode;
}
