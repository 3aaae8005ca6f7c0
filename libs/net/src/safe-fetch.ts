import { request } from 'undici';
import { checkUrl, toAllowList, type CheckedUrl, type GuardOptions } from './check-url.js';
import { pinnedAgent, type ConnectionPool } from './connection-pool.js';
import { OutboundRequestError, SsrfRefusedError } from './errors.js';

export interface SafeRequest {
  method?: string;
  headers?: Record<string, string>;
  /** Kept whole, so that a 307/308 redirect can send it again. */
  body?: string | Uint8Array;
}

export interface SafeFetchOptions extends GuardOptions {
  /** Redirects followed, each re-checked; one more fails with 'too-many-redirects'. Default 5. */
  maxRedirects?: number;
  /** For the whole call, redirects included. Default 10 s. */
  timeoutMs?: number;
  /** The answer's body is read up to this; past it, 'response-too-large'. Default 1 MiB. */
  maxResponseBytes?: number;
  signal?: AbortSignal;
  /**
   * Keep-alive connections reused across calls (per origin and checked addresses); without it,
   * each call opens its own connection and closes it.
   */
  pool?: ConnectionPool;
}

export interface SafeResponse {
  /** The URL that answered (after redirects). */
  url: string;
  status: number;
  headers: Headers;
  body: Buffer;
  /** Each URL that redirected, in order. */
  redirects: string[];
}

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_REDIRECTS = 5;
export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

/**
 * Calls a URL outside the platform (a distribution's access URL, a change-feed webhook) so that
 * it can only reach what checkUrl() allows: the connection is made to the very addresses that
 * were checked (no second DNS answer can slip in), redirects are followed by hand and each hop is
 * checked again, and time and the answer's size are bounded.
 */
export async function safeFetch(
  input: string | URL,
  init: SafeRequest = {},
  options: SafeFetchOptions = {},
): Promise<SafeResponse> {
  const allow = toAllowList(options.allow);
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([deadline, options.signal]) : deadline;

  let url = String(input);
  let method = (init.method ?? 'GET').toUpperCase();
  let body = init.body;
  let headers: Record<string, string> = { ...init.headers };
  const redirects: string[] = [];

  for (;;) {
    let target: CheckedUrl;
    try {
      // The deadline covers name resolution too (a resolver may take long to give up).
      target = await untilAborted(checkUrl(url, { allow, resolve: options.resolve }), signal);
    } catch (error) {
      if (error instanceof SsrfRefusedError && redirects.length)
        throw new SsrfRefusedError(url, `${error.reason} (redirected from ${redirects.at(-1)})`);
      if (deadline.aborted)
        throw new OutboundRequestError('timeout', url, `no answer within ${timeoutMs} ms`, { cause: error });
      throw error;
    }
    const agent = options.pool ? options.pool.agentFor(target, timeoutMs) : pinnedAgent(target, timeoutMs);
    try {
      const response = await request(target.url, { dispatcher: agent, method, headers, body, signal });
      const location = response.headers['location'];
      if (REDIRECTS.has(response.statusCode) && typeof location === 'string') {
        await response.body.dump();
        if (redirects.length >= maxRedirects)
          throw new OutboundRequestError('too-many-redirects', url, `more than ${maxRedirects} redirects`);
        let next: URL;
        try {
          next = new URL(location, target.url);
        } catch {
          throw new OutboundRequestError(
            'invalid-url',
            url,
            `redirects to an invalid URL ${JSON.stringify(location)}`,
          );
        }
        // As fetch does: a 303, or a 301/302 of a POST, becomes a GET without a body.
        if (response.statusCode === 303 || (response.statusCode <= 302 && method === 'POST')) {
          if (method !== 'HEAD') method = 'GET';
          body = undefined;
          headers = withoutHeaders(headers, ['content-type', 'content-length']);
        }
        if (next.origin !== target.url.origin) headers = withoutHeaders(headers, CREDENTIAL_HEADERS);
        redirects.push(url);
        url = next.href;
        continue;
      }
      return {
        url,
        status: response.statusCode,
        headers: toHeaders(response.headers),
        body: await readBounded(response.body, maxResponseBytes, url),
        redirects,
      };
    } catch (error) {
      if (error instanceof OutboundRequestError || error instanceof SsrfRefusedError) throw error;
      if (deadline.aborted)
        throw new OutboundRequestError('timeout', url, `no answer within ${timeoutMs} ms`, { cause: error });
      if (signal.aborted) throw error;
      throw new OutboundRequestError('unreachable', url, (error as Error).message, { cause: error });
    } finally {
      if (!options.pool) agent.destroy().catch(() => undefined);
    }
  }
}

function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

async function readBounded(
  stream: AsyncIterable<Uint8Array> & { destroy(): void },
  max: number,
  url: string,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    total += chunk.length;
    if (total > max) {
      stream.destroy();
      throw new OutboundRequestError('response-too-large', url, `the answer is larger than ${max} bytes`);
    }
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

function toHeaders(raw: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value])
      headers.append(name, one);
  }
  return headers;
}

function withoutHeaders(headers: Record<string, string>, names: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !names.includes(name.toLowerCase())));
}
