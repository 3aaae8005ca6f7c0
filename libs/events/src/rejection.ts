import { NotFoundError, RuleViolationError } from '@openlgsp/domain';
import type { RejectionReason } from './publisher.js';

/** Thrown by a handler to refuse an event for good, with reasons the integrator will read. */
export class EventRejection extends Error {
  constructor(readonly reasons: RejectionReason[]) {
    super(reasons.map((r) => r.message).join('; '));
  }
  static because(code: string, message: string, path?: string): EventRejection {
    return new EventRejection([{ code, message, ...(path ? { path } : {}) }]);
  }
}

/**
 * How a handler's failure is answered: a refusal carries its reasons (told to the agency, never
 * retried); anything else is an infrastructure failure, retried with backoff and then dead-lettered.
 */
export function rejectionReasons(err: unknown): RejectionReason[] | undefined {
  return err instanceof EventRejection ? err.reasons : undefined;
}

/**
 * For intake handlers: a broken rule or an unknown id is the integrator's to fix, so it is refused
 * with reasons (never retried); anything else is an infrastructure failure and is retried.
 */
export async function refuseOnRuleViolation(action: () => Promise<unknown>): Promise<void> {
  try {
    await action();
  } catch (err) {
    if (err instanceof RuleViolationError) {
      const v = err.violation;
      throw EventRejection.because(v.code, v.message, v.path && `/data${v.path}`);
    }
    if (err instanceof NotFoundError) throw EventRejection.because('not-found', err.message);
    throw err;
  }
}
