import { hasRole as holdsAnyRole, type Actor } from '@openlgsp/domain';

/**
 * Who is calling: roles, the principal attached to every authenticated request, and the sides an
 * actor takes for an agency (an agency acts on its own data; DIC coordinates).
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

/** An authenticated caller: an actor, with how it authenticated. */
export interface Principal extends Actor {
  /** The user (token `sub`) or the API key id. */
  sub: string;
  /** The acting agency's code; `''` for an API key that belongs to no agency. */
  agency: string;
  roles: Role[];
  via: 'token' | 'api-key';
}

/** True when `who` holds any of `roles` (the domain's check, typed by the platform's roles). */
export const hasRole: (who: Pick<Actor, 'roles'>, ...roles: Role[]) => boolean = holdsAnyRole;

/** DIC coordinates the platform. */
export function isCoordinator(principal: Principal): boolean {
  return hasRole(principal, Role.Dic);
}

/** DIC coordinates the platform and auditors check it: both read every agency's records. */
export function seesEverything(by: Pick<Actor, 'roles'>): boolean {
  return hasRole(by, Role.Dic, Role.Auditor);
}

/**
 * The provider side of an agency: its officers (provider) or its systems (integrator). A coordinator
 * is not a provider: where DIC may act too, the rule says so.
 */
export function actsAsProviderOf(by: Actor, agency: string): boolean {
  return by.agency === agency && hasRole(by, Role.Provider, Role.Integrator);
}

/** The consumer side of an agency: its officers (consumer) or its systems (integrator). */
export function actsAsConsumerOf(by: Actor, agency: string): boolean {
  return by.agency === agency && hasRole(by, Role.Consumer, Role.Integrator);
}
