import { refusalException } from './http-errors.js';
import { actsFor, type Principal } from './principal.js';

/**
 * Throws 403 unless the principal belongs to `agencyCode` or is a coordinator (DIC).
 * `what` names the kind of thing, e.g. "catalogue entries":
 * "agency HCM-01 may not act on catalogue entries owned by DN-02".
 */
export function assertActsFor(principal: Principal, agencyCode: string, what: string): void {
  if (actsFor(principal, agencyCode)) return;
  const who = principal.agency ? `agency ${principal.agency}` : `${principal.sub} (no agency)`;
  throw refusalException(403, 'agency-scope', `${who} may not act on ${what} owned by ${agencyCode}`);
}
