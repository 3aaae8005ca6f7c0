import { EVENT_ATTRIBUTES, type LgspEvent } from '@openlgsp/events';
import {
  OutboundRequestError,
  safeFetch,
  SsrfRefusedError,
  type ConnectionPool,
  type GuardOptions,
} from '@openlgsp/net';
import { signWebhook } from './signing.js';

export interface DeliveryRequest {
  url: string;
  event: LgspEvent;
  /** The subscription's secrets in use now (secretsInUse): one, or two during a rotation. */
  secrets: readonly string[];
}

/** What one attempt gave: the receiver's status, or why there was none. */
export interface DeliveryResult {
  at: Date;
  durationMs: number;
  status?: number;
  error?: string;
}

export interface DelivererOptions extends GuardOptions {
  /** For the whole attempt; a receiver slower than this counts as failed and gets the change again. */
  timeoutMs?: number;
  clock?: () => Date;
  /** Kept-alive connections to receivers (the worker's): a backlog drains without a handshake per change. */
  pool?: ConnectionPool;
}

export const WEBHOOK_TIMEOUT_MS = 10_000;
/** Receivers answer with a status; a long body is not read. */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * The HTTP request of one delivery: the CloudEvent in HTTP binary content mode (attributes as
 * `ce-*` headers, the data as a JSON body) plus the Standard Webhooks headers signing that body.
 */
export function deliveryRequest(
  event: LgspEvent,
  secrets: readonly string[],
  at: Date,
): { headers: Record<string, string>; body: string } {
  const body = JSON.stringify(event.data ?? null);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'OpenLGSP-Webhooks/1',
  };
  for (const name of EVENT_ATTRIBUTES) {
    if (name === 'datacontenttype') continue;
    const value = event[name];
    if (typeof value === 'string') headers[`ce-${name}`] = headerValue(value);
  }
  return { headers: { ...headers, ...signWebhook(event.id, at, body, secrets) }, body };
}

/**
 * CloudEvents HTTP binding 1.0.2 §3.1.3.2: outside printable ASCII, and `"` and `%`, a header value
 * is percent-encoded as UTF-8 (an attribute such as `actor` may hold any text; HTTP headers may not).
 */
export function headerValue(value: string): string {
  return value.replace(/[^\x20-\x7E]|["%]/gu, (c) =>
    [...new TextEncoder().encode(c)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );
}

/**
 * POSTs one change to a subscriber through the SSRF guard. Redirects are not followed: a signed
 * body must not be re-sent to a host the subscriber did not register, so a 3xx is a failure that
 * tells the owner to register the final URL. Any 2xx is a delivery.
 */
export async function deliverWebhook(
  request: DeliveryRequest,
  options: DelivererOptions = {},
): Promise<DeliveryResult> {
  const at = (options.clock ?? (() => new Date()))();
  const { headers, body } = deliveryRequest(request.event, request.secrets, at);
  const started = performance.now();
  const took = () => Math.round(performance.now() - started);
  try {
    const response = await safeFetch(
      request.url,
      { method: 'POST', headers, body },
      {
        allow: options.allow,
        resolve: options.resolve,
        ...(options.pool ? { pool: options.pool } : {}),
        timeoutMs: options.timeoutMs ?? WEBHOOK_TIMEOUT_MS,
        maxRedirects: 0,
        maxResponseBytes: MAX_ANSWER_BYTES,
      },
    );
    return { at, durationMs: took(), status: response.status };
  } catch (error) {
    if (error instanceof SsrfRefusedError)
      return { at, durationMs: took(), error: `refused: ${error.reason}` };
    if (error instanceof OutboundRequestError)
      return {
        at,
        durationMs: took(),
        error: error.code === 'too-many-redirects' ? 'redirected (redirects are not followed)' : error.code,
      };
    return { at, durationMs: took(), error: error instanceof Error ? error.message : String(error) };
  }
}
