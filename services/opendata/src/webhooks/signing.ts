import { createHmac, randomBytes } from 'node:crypto';

/**
 * Signing of webhook deliveries per the Standard Webhooks specification
 * (https://www.standardwebhooks.com): HMAC-SHA256 over `<webhook-id>.<webhook-timestamp>.<body>`,
 * with a `whsec_`-prefixed base64 secret, so receivers verify with the spec's libraries. Signed
 * with node:crypto (the reference `standardwebhooks` package hashes in JavaScript, ~10× slower on a
 * dataset-sized body); the specs verify every signature with that package.
 */
export interface WebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/** A subscription's secrets: the current one, and while a rotation overlaps, the one it replaces. */
export interface SigningSecrets {
  current: string;
  previous?: { secret: string; until: string };
}

const SECRET = /^whsec_[A-Za-z0-9+/]{32,88}={0,2}$/;

/** A fresh secret: 32 random bytes (the spec asks for 24 to 64). */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

export function isSigningSecret(secret: string): boolean {
  return SECRET.test(secret);
}

/**
 * Replaces the current secret; the old one keeps signing until `now + overlapMs`, so a receiver
 * that has not switched yet still verifies every delivery.
 */
export function rotateSecret(
  secrets: SigningSecrets,
  next: string,
  now: Date,
  overlapMs: number,
): SigningSecrets {
  if (!isSigningSecret(next)) throw new RangeError('a signing secret is whsec_ followed by base64');
  return {
    current: next,
    previous: { secret: secrets.current, until: new Date(now.getTime() + overlapMs).toISOString() },
  };
}

/** The secrets a delivery at `now` is signed with: the current one first, the previous while it overlaps. */
export function secretsInUse(secrets: SigningSecrets, now: Date): string[] {
  const previous = secrets.previous;
  return previous && now.getTime() < Date.parse(previous.until)
    ? [secrets.current, previous.secret]
    : [secrets.current];
}

/**
 * The three Standard Webhooks headers of one delivery. `id` is the event id: the same on every retry,
 * so receivers de-duplicate on it. With several secrets the signatures are space-separated
 * (`v1,<a> v1,<b>`); a receiver's library accepts the message when any one matches its secret.
 */
export function signWebhook(
  id: string,
  timestamp: Date,
  body: string,
  secrets: readonly string[],
): WebhookHeaders {
  if (!secrets.length) throw new RangeError('a delivery is signed with at least one secret');
  const seconds = Math.floor(timestamp.getTime() / 1000);
  return {
    'webhook-id': id,
    'webhook-timestamp': String(seconds),
    'webhook-signature': secrets.map((s) => `v1,${hmac(s, `${id}.${seconds}.${body}`)}`).join(' '),
  };
}

function hmac(secret: string, content: string): string {
  if (!isSigningSecret(secret)) throw new RangeError('a signing secret is whsec_ followed by base64');
  return createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64'))
    .update(content, 'utf8')
    .digest('base64');
}
