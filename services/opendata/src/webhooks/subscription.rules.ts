import { backoffDelay, fail, ok, type Result } from '@openlgsp/domain';
import type { FeedFilter } from '../feed/feed.model.js';
import { isSigningSecret, rotateSecret, type SigningSecrets } from './signing.js';

/**
 * A registered external app's webhook: where the feed's changes go, which ones, signed with what,
 * and how far it has got. Pure rules; the store and the worker apply them.
 */
export interface WebhookSubscription {
  id: string;
  /** The external app (API key holder) that owns it and alone sees its log and cursor. */
  app: string;
  url: string;
  filter: FeedFilter;
  secrets: SigningSecrets;
  /** The last feed position acknowledged (2xx) or passed over (not matching the filter). */
  cursor: number;
  status: 'active' | 'paused';
  paused?: { code: PauseCode; message: string; at: string };
  consecutiveFailures: number;
  /** When the current run of failures began: how long the oldest undelivered change has waited. */
  failingSince?: string;
  /** No attempt before this time (the backoff of the last failure). */
  nextAttemptAt?: string;
  /** The last attempts, newest last, bounded by the policy's logSize. */
  log: DeliveryAttempt[];
  createdAt: string;
}

export type PauseCode = 'too-many-failures' | 'waited-too-long' | 'receiver-gone' | 'paused-by-owner';

export interface DeliveryAttempt {
  position: number;
  eventId: string;
  at: string;
  durationMs: number;
  delivered: boolean;
  /** The receiver's HTTP status, when it answered. */
  status?: number;
  /** Why no answer counted: timeout, refused, unreachable, SSRF refusal… */
  error?: string;
  nextAttemptAt?: string;
}

export interface DeliveryPolicy {
  /** First retry waits up to this; each further failure doubles it, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Paused after this many failures in a row… */
  pauseAfterFailures: number;
  /** …or once the oldest undelivered change has been failing for this long. */
  maxWaitMs: number;
  logSize: number;
}

export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = {
  baseDelayMs: 5_000,
  maxDelayMs: 60 * 60_000,
  pauseAfterFailures: 15,
  maxWaitMs: 3 * 24 * 60 * 60_000,
  logSize: 100,
};

/** A random number in [0, 1); injected so tests pin the jitter. */
export type Random = () => number;

export const MAX_URL_LENGTH = 2048;

export function subscribeWebhook(input: {
  id: string;
  app: string;
  url: string;
  filter: FeedFilter;
  secret: string;
  /** The position to start after: the stream's end for "from now on", or an earlier one. */
  cursor: number;
  now: Date;
}): Result<WebhookSubscription> {
  const url = checkWebhookUrl(input.url);
  if (!url.ok) return url;
  if (!isSigningSecret(input.secret))
    return fail('invalid', 'invalid-secret', 'a signing secret is whsec_ followed by base64', {
      path: '/secret',
    });
  if (!Number.isSafeInteger(input.cursor) || input.cursor < 0)
    return fail('invalid', 'invalid-position', 'a feed position is a whole number from 0', { path: '/from' });
  return ok({
    id: input.id,
    app: input.app,
    url: url.value,
    filter: input.filter,
    secrets: { current: input.secret },
    cursor: input.cursor,
    status: 'active',
    consecutiveFailures: 0,
    log: [],
    createdAt: input.now.toISOString(),
  });
}

/**
 * The URL's shape: http(s), no credentials, no fragment, bounded. Where it points is checked by the
 * SSRF guard (`checkUrl` of @openlgsp/net) at registration and again at every delivery.
 */
export function checkWebhookUrl(text: string): Result<string> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail('invalid', 'invalid-url', 'the webhook URL is not an absolute URL', { path: '/url' });
  }
  if (text.length > MAX_URL_LENGTH)
    return fail('invalid', 'invalid-url', `the webhook URL is longer than ${MAX_URL_LENGTH} characters`, {
      path: '/url',
    });
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return fail('invalid', 'invalid-url', 'the webhook URL must be http or https', { path: '/url' });
  if (url.username || url.password)
    return fail('invalid', 'invalid-url', 'the webhook URL must not carry credentials', { path: '/url' });
  if (url.hash)
    return fail('invalid', 'invalid-url', 'the webhook URL must not have a fragment', { path: '/url' });
  return ok(url.href);
}

/** Exponential backoff with full jitter: uniform in [0, min(max, base·2^(failures−1))). */
export function retryDelayMs(failures: number, policy: DeliveryPolicy, random: Random): number {
  return backoffDelay(failures - 1, {
    baseMs: policy.baseDelayMs,
    maxMs: policy.maxDelayMs,
    jitter: 'full',
    random,
  });
}

export interface DeliveryOutcome {
  position: number;
  eventId: string;
  at: Date;
  durationMs: number;
  status?: number;
  error?: string;
}

/** A 2xx answer is a delivery; anything else, or no answer, a failure. */
export function isDelivered(outcome: Pick<DeliveryOutcome, 'status'>): boolean {
  return outcome.status !== undefined && outcome.status >= 200 && outcome.status < 300;
}

/**
 * The subscription after one attempt at the change after its cursor. Delivered: the cursor moves
 * on and the failure run ends. Failed: the next attempt is scheduled with backoff, and the
 * subscription pauses, with the reason, after too many failures in a row, once the oldest change
 * has waited too long, or at once on 410 Gone (the receiver says it no longer exists).
 */
export function recordAttempt(
  sub: WebhookSubscription,
  outcome: DeliveryOutcome,
  policy: DeliveryPolicy,
  random: Random,
): WebhookSubscription {
  if (sub.status !== 'active' || outcome.position <= sub.cursor) return sub;
  const at = outcome.at.toISOString();
  const attempt: DeliveryAttempt = {
    position: outcome.position,
    eventId: outcome.eventId,
    at,
    durationMs: outcome.durationMs,
    delivered: isDelivered(outcome),
    ...(outcome.status !== undefined ? { status: outcome.status } : {}),
    ...(outcome.error !== undefined ? { error: outcome.error } : {}),
  };
  if (attempt.delivered) {
    const { failingSince: _f, nextAttemptAt: _n, ...rest } = sub;
    return {
      ...rest,
      cursor: outcome.position,
      consecutiveFailures: 0,
      log: appendLog(sub.log, attempt, policy),
    };
  }
  const failures = sub.consecutiveFailures + 1;
  const failingSince = sub.failingSince ?? at;
  const waited = outcome.at.getTime() - Date.parse(failingSince);
  const pause =
    outcome.status === 410
      ? { code: 'receiver-gone' as const, message: 'the receiver answered 410 Gone' }
      : failures >= policy.pauseAfterFailures
        ? { code: 'too-many-failures' as const, message: `${failures} deliveries failed in a row` }
        : waited >= policy.maxWaitMs
          ? {
              code: 'waited-too-long' as const,
              message: `the change at position ${outcome.position} has failed for ${Math.round(waited / 60_000)} minutes`,
            }
          : undefined;
  if (pause) {
    const { nextAttemptAt: _n, ...rest } = sub;
    return {
      ...rest,
      status: 'paused',
      paused: { ...pause, at },
      consecutiveFailures: failures,
      failingSince,
      log: appendLog(sub.log, attempt, policy),
    };
  }
  const nextAttemptAt = new Date(outcome.at.getTime() + retryDelayMs(failures, policy, random)).toISOString();
  return {
    ...sub,
    consecutiveFailures: failures,
    failingSince,
    nextAttemptAt,
    log: appendLog(sub.log, { ...attempt, nextAttemptAt }, policy),
  };
}

/** A change the filter leaves out: nothing to deliver, the cursor just moves past it. */
export function passOver(sub: WebhookSubscription, position: number): WebhookSubscription {
  if (sub.status !== 'active' || position <= sub.cursor) return sub;
  return { ...sub, cursor: position };
}

export function pauseByOwner(sub: WebhookSubscription, now: Date): WebhookSubscription {
  if (sub.status === 'paused') return sub;
  const { nextAttemptAt: _n, ...rest } = sub;
  return {
    ...rest,
    status: 'paused',
    paused: { code: 'paused-by-owner', message: 'paused by its owner', at: now.toISOString() },
  };
}

/**
 * Resumes a paused subscription from where it stopped, or after a chosen position: an earlier one
 * re-delivers (receivers de-duplicate on the event id), a later one skips changes on purpose.
 */
export function resumeSubscription(sub: WebhookSubscription, from?: number): Result<WebhookSubscription> {
  if (sub.status !== 'paused') return fail('conflict', 'not-paused', 'the subscription is not paused');
  if (from !== undefined && (!Number.isSafeInteger(from) || from < 0))
    return fail('invalid', 'invalid-position', 'a feed position is a whole number from 0', { path: '/from' });
  const { paused: _p, failingSince: _f, nextAttemptAt: _n, ...rest } = sub;
  return ok({ ...rest, status: 'active', consecutiveFailures: 0, cursor: from ?? sub.cursor });
}

function appendLog(
  log: DeliveryAttempt[],
  attempt: DeliveryAttempt,
  policy: DeliveryPolicy,
): DeliveryAttempt[] {
  const next = [...log, attempt];
  return next.length > policy.logSize ? next.slice(next.length - policy.logSize) : next;
}

/** The longest a replaced secret keeps signing: long enough to roll a receiver's configuration. */
export const MAX_ROTATION_OVERLAP_MS = 7 * 24 * 60 * 60_000;

/**
 * Gives the subscription a new secret; the current one keeps signing for `overlapMs` beside it, so
 * the receiver switches without refusing a delivery. A rotation during an overlap ends the older one.
 */
export function rotateSubscriptionSecret(
  sub: WebhookSubscription,
  next: string,
  now: Date,
  overlapMs: number,
): Result<WebhookSubscription> {
  if (!isSigningSecret(next))
    return fail('invalid', 'invalid-secret', 'a signing secret is whsec_ followed by base64', {
      path: '/secret',
    });
  if (!Number.isSafeInteger(overlapMs) || overlapMs < 0 || overlapMs > MAX_ROTATION_OVERLAP_MS)
    return fail(
      'invalid',
      'invalid-overlap',
      `the overlap is from 0 to ${MAX_ROTATION_OVERLAP_MS / 3_600_000} hours`,
      {
        path: '/overlapSeconds',
      },
    );
  return ok({ ...sub, secrets: rotateSecret(sub.secrets, next, now, overlapMs) });
}

/** What the owning app sees: state, cursor and log, never the secrets (only until when the old one signs). */
export type SubscriptionView = Omit<WebhookSubscription, 'secrets'> & { previousSecretUntil?: string };

export function ownerView(sub: WebhookSubscription, now: Date): SubscriptionView {
  const { secrets, ...rest } = sub;
  const until = secrets.previous?.until;
  return until && Date.parse(until) > now.getTime() ? { ...rest, previousSecretUntil: until } : rest;
}
