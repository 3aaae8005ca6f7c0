export {
  Role,
  ROLES,
  isRole,
  AGENCY_CODE_PATTERN,
  isAgencyCode,
  hasRole,
  isCoordinator,
  seesEverything,
  actsAsProviderOf,
  actsAsConsumerOf,
  type Principal,
} from './principal.js';
export { AuthError, type AuthFailureReason } from './errors.js';
export { TokenVerifier, type TokenVerifierConfig } from './token-verifier.js';
export { ALLOWED_ALGORITHMS } from './keys.js';
export { authConfigFromEnv, DEFAULT_ISSUER, DEFAULT_AUDIENCE, type AuthConfig } from './config.js';
export { ApiKeyStore, parseApiKeys, hashApiKey, apiKeyPrincipal, type ApiKeyEntry } from './api-keys.js';
export {
  FixedWindowRateLimiter,
  RATE_LIMITER,
  type RateLimitDecision,
  type RateLimiter,
} from './rate-limit.js';
export { localKeys, defaultKeysDir, issueToken, type LocalKeys, type TokenRequest } from './local.js';
export { Public, Roles, CurrentPrincipal, IS_PUBLIC_KEY, REQUIRED_ROLES_KEY } from './decorators.js';
export { AUTH_REFUSAL_LISTENER, type RefusalEvent, type RefusalListener } from './refusal.js';
export {
  AuthGuard,
  DEFAULT_ANONYMOUS_PER_MINUTE,
  GUARD_LIMITS,
  type AuthRequest,
  type GuardLimits,
} from './guard.js';
export { AuthModule, AUTH_CONFIG } from './module.js';
