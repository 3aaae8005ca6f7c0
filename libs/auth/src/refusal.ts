import type { Principal } from './principal.js';

/** A request the platform refused, for logging and the audit trail. Never holds credentials. */
export interface RefusalEvent {
  status: 401 | 403 | 429;
  /** A stable code: an AuthFailureReason, `missing-role`, `agency-scope` or `rate-limited`. */
  reason: string;
  /** The human-readable explanation sent to the caller. */
  detail: string;
  principal?: Principal;
  method: string;
  /** The route template when the framework knows it (`/requests/:id`), else the path. */
  route: string;
  /** The requested path, without the query string. */
  resource?: string;
}

/** Implement and provide under AUTH_REFUSAL_LISTENER (from a global module) to observe refusals. */
export interface RefusalListener {
  onRefusal(event: RefusalEvent): void | Promise<void>;
}

export const AUTH_REFUSAL_LISTENER = 'AUTH_REFUSAL_LISTENER';
