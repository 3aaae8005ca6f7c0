/**
 * What a pure domain rule returns: the next state, or the rule it would break. Rules never throw and
 * never touch I/O, so they are tested without Nest or engines; the HTTP layer maps a violation's
 * `kind` to a status (invalid → 422, conflict → 409, forbidden → 403, not-found → 404).
 */
export type ViolationKind = 'invalid' | 'conflict' | 'forbidden' | 'not-found';

export interface RuleViolation {
  kind: ViolationKind;
  /** A stable machine-readable code, e.g. `reason-required`. */
  code: string;
  /** A sentence a person can act on, in the domain's words. */
  message: string;
  /** JSON pointer of the offending input, when there is one. */
  path?: string;
  /** The regulation the rule comes from, e.g. `004 Điều 4.2`. */
  source?: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; violation: RuleViolation };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });

export function fail<T = never>(
  kind: ViolationKind,
  code: string,
  message: string,
  extra: Pick<RuleViolation, 'path' | 'source'> = {},
): Result<T> {
  return { ok: false, violation: { kind, code, message, ...extra } };
}

/** Thrown by `unwrap` when a use case meets a violated rule; the HTTP layer turns it into a problem. */
export class RuleViolationError extends Error {
  constructor(readonly violation: RuleViolation) {
    super(violation.message);
  }
}

export function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw new RuleViolationError(result.violation);
  return result.value;
}
