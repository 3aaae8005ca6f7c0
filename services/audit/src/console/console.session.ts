import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Where the console's pages live (the audit service's prefix, then `console`). */
export const CONSOLE_PATH = '/audit/console';
const SESSION_COOKIE = 'lgsp_console';
const CSRF_COOKIE = 'lgsp_console_csrf';
/** A browser session never outlives a working day, whatever the token's own expiry. */
export const SESSION_MAX_AGE_S = 8 * 60 * 60;

export function cookiesOf(request: FastifyRequest): Record<string, string> {
  const header = request.headers.cookie;
  const cookies: Record<string, string> = {};
  if (typeof header !== 'string') return cookies;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at < 1) continue;
    const name = part.slice(0, at).trim();
    if (!Object.hasOwn(cookies, name)) {
      try {
        cookies[name] = decodeURIComponent(part.slice(at + 1).trim());
      } catch {
        // a malformed cookie is no cookie
      }
    }
  }
  return cookies;
}

function cookie(request: FastifyRequest, name: string, value: string, maxAgeS: number): string {
  // Secure when the browser reached us over TLS (behind the ingress, trustProxy reads X-Forwarded-Proto).
  const secure = request.protocol === 'https' ? '; Secure' : '';
  return `${name}=${encodeURIComponent(value)}; Path=${CONSOLE_PATH}; Max-Age=${maxAgeS}; HttpOnly; SameSite=Strict${secure}`;
}

/**
 * A browser cannot send a bearer header with a plain link or form, so a signed-in operator's token
 * rides in an HttpOnly, SameSite=Strict cookie scoped to the console; it becomes the request's
 * Authorization header before the platform's guard verifies it like any other. A request that brings
 * its own Authorization header (a proxy, a script) is left as it is.
 */
export function carrySessionToken(fastify: FastifyInstance | undefined): void {
  fastify?.addHook('onRequest', async (request) => {
    if (!request.url.startsWith(CONSOLE_PATH) || request.headers.authorization !== undefined) return;
    const token = cookiesOf(request)[SESSION_COOKIE];
    if (token && /^[A-Za-z0-9._~+/=-]{1,8192}$/.test(token))
      request.headers.authorization = `Bearer ${token}`;
  });
}

export function startSession(
  request: FastifyRequest,
  reply: FastifyReply,
  token: string,
  maxAgeS: number,
): void {
  reply.header('set-cookie', cookie(request, SESSION_COOKIE, token, maxAgeS));
}

export function endSession(request: FastifyRequest, reply: FastifyReply): void {
  reply.header('set-cookie', [cookie(request, SESSION_COOKIE, '', 0), cookie(request, CSRF_COOKIE, '', 0)]);
}

/**
 * The form token of this browser (double-submit): a random value in its own SameSite=Strict cookie,
 * repeated in every form; a POST whose form does not carry the cookie's value is refused. Another
 * site can neither read the cookie nor make the browser send it.
 */
export function csrfTokenOf(request: FastifyRequest, reply: FastifyReply): string {
  const existing = cookiesOf(request)[CSRF_COOKIE];
  if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
  const token = randomBytes(32).toString('base64url');
  reply.header('set-cookie', cookie(request, CSRF_COOKIE, token, SESSION_MAX_AGE_S));
  return token;
}

/** True when the form's token matches the cookie's, and the Origin, when sent, is this console's own. */
export function csrfHolds(request: FastifyRequest, formToken: unknown): boolean {
  const expected = cookiesOf(request)[CSRF_COOKIE];
  if (!expected || typeof formToken !== 'string' || formToken.length !== expected.length) return false;
  if (!timingSafeEqual(Buffer.from(formToken), Buffer.from(expected))) return false;
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  return origin === `${request.protocol}://${request.host}`;
}
