import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { apiKeyPrincipal, ApiKeyStore, type ApiKeyEntry } from './api-keys.js';
import { IS_PUBLIC_KEY, REQUIRED_ROLES_KEY } from './decorators.js';
import { AuthError } from './errors.js';
import { refusalException } from './http-errors.js';
import { hasRole, type Principal, type Role } from './principal.js';
import { RATE_LIMITER, type RateLimiter } from './rate-limit.js';
import { AUTH_REFUSAL_LISTENER, type RefusalEvent, type RefusalListener } from './refusal.js';
import { TokenVerifier } from './token-verifier.js';

/** What the guard reads from Fastify's or Express's request. */
export interface AuthRequest {
  headers: Record<string, string | string[] | undefined>;
  method?: string;
  url?: string;
  originalUrl?: string;
  routeOptions?: { url?: string };
  route?: { path?: string };
  principal?: Principal;
  /** The caller's address as the entry point saw it (Fastify, behind a trusted proxy hop). */
  ip?: string;
}

/** Limits the guard applies per fixed one-minute window. */
export interface GuardLimits {
  /** Requests per minute from one address without valid credentials (anonymous, or refused with 401). */
  anonymousPerMinute: number;
}
export const GUARD_LIMITS = Symbol('GUARD_LIMITS');
export const DEFAULT_ANONYMOUS_PER_MINUTE = 600;

const REALM = 'Bearer realm="openlgsp"';

/**
 * The global guard: authenticates with `Authorization: Bearer <jwt>` or `X-Api-Key`,
 * attaches `request.principal`, enforces @Roles(), rate limits API keys and callers without valid
 * credentials (per address), and reports every refusal to the optional RefusalListener. Non-HTTP
 * contexts are not its business.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger('Auth');

  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
    private readonly apiKeys: ApiKeyStore,
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter,
    @Optional() @Inject(AUTH_REFUSAL_LISTENER) private readonly listener?: RefusalListener,
    @Optional() @Inject(GUARD_LIMITS) private readonly limits?: GuardLimits,
  ) {}

  /** Counts one request of an unauthenticated caller; refuses with 429 past the address's limit. */
  private async limitAnonymous(request: AuthRequest, response: unknown): Promise<void> {
    const limit = this.limits?.anonymousPerMinute ?? DEFAULT_ANONYMOUS_PER_MINUTE;
    const address = request.ip ?? 'unknown';
    const decision = await this.limiter.take(`addr:${address}`, limit);
    if (decision.allowed) return;
    const detail = `more than ${limit} requests per minute without valid credentials from one address`;
    setHeader(response, 'Retry-After', String(decision.retryAfterSeconds));
    await this.refuse(request, { status: 429, reason: 'rate-limited', detail });
    throw refusalException(429, 'rate-limited', detail);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const http = context.switchToHttp();
    const request = http.getRequest<AuthRequest>();
    const response = http.getResponse<unknown>();
    const targets = [context.getHandler(), context.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, targets) === true;
    const required = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES_KEY, targets) ?? [];
    const refuse = (status: 401 | 403 | 429, reason: string, detail: string, principal?: Principal) =>
      this.refuse(request, { status, reason, detail, principal });

    let principal: Principal | undefined;
    let apiKey: ApiKeyEntry | undefined;
    let counted = false;
    try {
      ({ principal, apiKey } = await this.authenticate(request));
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      if (error.reason === 'key-source-unavailable') {
        this.logger.error(error.message);
        if (!isPublic) throw refusalException(503, error.reason, error.message);
      } else {
        // Bad credentials are counted against the address before anything else is said.
        await this.limitAnonymous(request, response);
        counted = true;
      }
      if (error.reason !== 'key-source-unavailable' && !isPublic) {
        const badToken = error.reason !== 'unknown-api-key';
        setHeader(response, 'WWW-Authenticate', badToken ? invalidToken(error.message) : REALM);
        await refuse(401, error.reason, error.message);
        throw refusalException(401, error.reason, error.message);
      }
      // A @Public() route ignores bad credentials and runs anonymously.
    }

    if (!principal && !apiKey && !counted) await this.limitAnonymous(request, response);
    if (apiKey) {
      const decision = await this.limiter.take(`key:${apiKey.id}`, apiKey.rateLimitPerMinute);
      if (!decision.allowed) {
        const detail = `API key ${apiKey.id} exceeded ${apiKey.rateLimitPerMinute} requests per minute`;
        setHeader(response, 'Retry-After', String(decision.retryAfterSeconds));
        await refuse(429, 'rate-limited', detail, principal);
        throw refusalException(429, 'rate-limited', detail);
      }
    }

    if (principal) request.principal = principal;
    if (isPublic) return true;
    if (!principal) {
      const detail = 'send Authorization: Bearer <token> or X-Api-Key';
      setHeader(response, 'WWW-Authenticate', REALM);
      await refuse(401, 'missing-token', detail);
      throw refusalException(401, 'missing-token', detail);
    }
    if (required.length > 0 && !hasRole(principal, ...required)) {
      const detail = `requires one of roles: ${required.join(', ')}`;
      await refuse(403, 'missing-role', detail, principal);
      throw refusalException(403, 'missing-role', detail);
    }
    return true;
  }

  /** The principal of the request's credentials; none when it carries none. */
  private async authenticate(request: AuthRequest): Promise<{ principal?: Principal; apiKey?: ApiKeyEntry }> {
    const authorization = request.headers['authorization'];
    if (authorization !== undefined) {
      if (typeof authorization !== 'string') {
        throw new AuthError('malformed-token', 'send one Authorization header');
      }
      const match = /^Bearer +(\S+)\s*$/i.exec(authorization);
      if (!match) throw new AuthError('malformed-token', 'the Authorization header must be "Bearer <token>"');
      return { principal: await this.verifier.verify(match[1]) };
    }
    const apiKey = request.headers['x-api-key'];
    if (apiKey !== undefined) {
      const entry = typeof apiKey === 'string' ? this.apiKeys.lookup(apiKey.trim()) : undefined;
      if (!entry) throw new AuthError('unknown-api-key', 'the API key is not known');
      return { principal: apiKeyPrincipal(entry), apiKey: entry };
    }
    return {};
  }

  private async refuse(
    request: AuthRequest,
    outcome: Pick<RefusalEvent, 'status' | 'reason' | 'detail' | 'principal'>,
  ): Promise<void> {
    if (!this.listener) return;
    const path = (request.originalUrl ?? request.url ?? '').split('?')[0];
    const event: RefusalEvent = {
      ...outcome,
      method: request.method ?? 'GET',
      route: request.routeOptions?.url ?? request.route?.path ?? path ?? '',
      resource: path,
    };
    if (!event.principal) delete event.principal;
    try {
      await this.listener.onRefusal(event);
    } catch (error) {
      this.logger.error(`refusal listener failed: ${(error as Error).message}`);
    }
  }
}

function invalidToken(description: string): string {
  return `${REALM}, error="invalid_token", error_description="${description.replace(/["\\]/g, "'")}"`;
}

/** Sets a header on a Fastify reply or an Express/Node response. */
function setHeader(response: unknown, name: string, value: string): void {
  const res = response as {
    header?: (name: string, value: string) => unknown;
    setHeader?: (name: string, value: string) => unknown;
  };
  if (typeof res?.header === 'function') res.header(name, value);
  else if (typeof res?.setHeader === 'function') res.setHeader(name, value);
}
