import { AllowList } from './allow-list.js';
import {
  DEFAULT_MAX_REDIRECTS,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_TIMEOUT_MS,
  type SafeFetchOptions,
} from './safe-fetch.js';

type Env = Record<string, string | undefined>;

/** What a service hands to safeFetch() and checkUrl(), read once at start. */
export type OutboundOptions = Required<
  Pick<SafeFetchOptions, 'maxRedirects' | 'timeoutMs' | 'maxResponseBytes'>
> & {
  allow: AllowList;
};

function whole(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max)
    throw new Error(`${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  return value;
}

/**
 * The outbound guard's settings from the environment (checked; a wrong one stops the start):
 *   OUTBOUND_ALLOW_LIST          comma- or space-separated hosts, addresses, CIDR blocks, with optional ports
 *   OUTBOUND_TIMEOUT_MS          a whole call, redirects included (default 10000)
 *   OUTBOUND_MAX_REDIRECTS       (default 5)
 *   OUTBOUND_MAX_RESPONSE_BYTES  (default 1048576)
 */
export function outboundOptionsFromEnv(env: Env = process.env): OutboundOptions {
  return {
    allow: AllowList.parse((env['OUTBOUND_ALLOW_LIST'] ?? '').split(/[\s,]+/)),
    timeoutMs: whole(env, 'OUTBOUND_TIMEOUT_MS', DEFAULT_TIMEOUT_MS, 1, 600_000),
    maxRedirects: whole(env, 'OUTBOUND_MAX_REDIRECTS', DEFAULT_MAX_REDIRECTS, 0, 20),
    maxResponseBytes: whole(
      env,
      'OUTBOUND_MAX_RESPONSE_BYTES',
      DEFAULT_MAX_RESPONSE_BYTES,
      0,
      1024 * 1024 * 1024,
    ),
  };
}
