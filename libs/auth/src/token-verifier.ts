import type { KeyObject } from 'node:crypto';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import { AuthError } from './errors.js';
import { algorithmsForKey, ALLOWED_ALGORITHMS, publicKeyFromPem } from './keys.js';
import { isAgencyCode, isRole, type Principal } from './principal.js';

export interface TokenVerifierConfig {
  /** JWKS endpoint of the identity provider. Exactly one of `jwksUrl` and `publicKeyPem`. */
  jwksUrl?: string;
  /** SPKI PEM public key (Ed25519, EC P-256 or RSA). */
  publicKeyPem?: string;
  /** Expected `iss`; not checked when absent. */
  issuer?: string;
  /** Expected `aud`; not checked when absent. */
  audience?: string;
  /** Allowed clock skew for `exp`/`nbf`/`iat`, in seconds. Default 30. */
  clockToleranceSeconds?: number;
  /**
   * Longest lifetime a token may have (exp − iat) and its largest age, in seconds. Default 8 hours
   * (a working day): a stolen token is worth a day at most, whatever `exp` its issuer wrote.
   */
  maxLifetimeSeconds?: number;
}

export const DEFAULT_MAX_TOKEN_LIFETIME_SECONDS = 8 * 3600;

type KeySource = KeyObject | ReturnType<typeof createRemoteJWKSet>;

const MAX_TOKEN_LENGTH = 8192;
const MAX_SUB_LENGTH = 256;
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** Verifies bearer JWTs signed with an asymmetric key and turns their claims into a Principal. */
export class TokenVerifier {
  private readonly key: KeySource;
  private readonly algorithms: string[];
  private readonly remote: boolean;

  constructor(private readonly config: TokenVerifierConfig) {
    if (config.jwksUrl && config.publicKeyPem) {
      throw new Error('auth: configure either a JWKS URL or a public key, not both');
    }
    if (config.jwksUrl) {
      let url: URL;
      try {
        url = new URL(config.jwksUrl);
      } catch {
        throw new Error('auth: the JWKS URL is not a valid URL');
      }
      if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        throw new Error('auth: the JWKS URL must be http(s)');
      }
      this.key = createRemoteJWKSet(url);
      this.algorithms = [...ALLOWED_ALGORITHMS];
      this.remote = true;
    } else if (config.publicKeyPem) {
      const key = publicKeyFromPem(config.publicKeyPem, 'auth public key');
      this.key = key;
      this.algorithms = algorithmsForKey(key);
      this.remote = false;
    } else {
      throw new Error(
        'auth: no token key configured: set AUTH_JWKS_URL, AUTH_PUBLIC_KEY or AUTH_PUBLIC_KEY_FILE',
      );
    }
  }

  async verify(token: string | undefined | null): Promise<Principal> {
    if (!token) throw new AuthError('missing-token', 'no bearer token was given');
    if (token.length > MAX_TOKEN_LENGTH || !JWT_SHAPE.test(token)) {
      throw new AuthError('malformed-token', 'the bearer token is not a compact JWT');
    }
    let payload: JWTPayload;
    const maxLifetime = this.config.maxLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS;
    const tolerance = this.config.clockToleranceSeconds ?? 30;
    try {
      const options = {
        algorithms: this.algorithms,
        issuer: this.config.issuer,
        audience: this.config.audience,
        clockTolerance: tolerance,
        // iat is required and checked by jose: not in the future, not older than the lifetime.
        maxTokenAge: maxLifetime,
        requiredClaims: ['exp', 'iat'],
      };
      // Two calls so that TypeScript picks the right overload for each key source.
      payload =
        typeof this.key === 'function'
          ? (await jwtVerify(token, this.key, options)).payload
          : (await jwtVerify(token, this.key, options)).payload;
    } catch (error) {
      throw this.translate(error);
    }
    if (payload.exp! - payload.iat! > maxLifetime + tolerance)
      throw new AuthError(
        'too-long-lived',
        `the token is issued for longer than the ${maxLifetime} s this platform accepts`,
      );
    return principalFromClaims(payload);
  }

  /** Maps jose's errors to our reasons, with messages that never echo the token. */
  private translate(error: unknown): AuthError {
    if (error instanceof errors.JWTExpired)
      return new AuthError(
        'expired',
        error.claim === 'iat'
          ? 'the token is older than the longest lifetime accepted'
          : 'the token has expired',
      );
    if (error instanceof errors.JWTClaimValidationFailed) {
      switch (error.claim) {
        case 'iss':
          return new AuthError('wrong-issuer', 'the token was issued by an unexpected issuer');
        case 'aud':
          return new AuthError('wrong-audience', 'the token is not meant for this audience');
        case 'nbf':
          return new AuthError('not-yet-valid', 'the token is not valid yet');
        case 'iat':
          if (error.reason === 'check_failed')
            return new AuthError('issued-in-future', 'the token claims to be issued in the future');
          return new AuthError('invalid-claims', `the token's "iat" claim is ${error.reason}`);
        default:
          return new AuthError('invalid-claims', `the token's "${error.claim}" claim is ${error.reason}`);
      }
    }
    if (error instanceof errors.JOSEAlgNotAllowed) {
      return new AuthError(
        'disallowed-algorithm',
        `the token's signing algorithm is not accepted (accepted: ${this.algorithms.join(', ')})`,
      );
    }
    if (error instanceof errors.JWSSignatureVerificationFailed) {
      return new AuthError('bad-signature', 'the token signature does not verify');
    }
    if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
      return new AuthError('unknown-key', 'the token was signed by a key the key set does not hold');
    }
    if (
      error instanceof errors.JWSInvalid ||
      error instanceof errors.JWTInvalid ||
      error instanceof errors.JOSENotSupported
    ) {
      return new AuthError('malformed-token', 'the bearer token is not a valid JWT');
    }
    if (this.remote) {
      // Network failures, timeouts, non-200 answers and invalid key sets from the JWKS URL.
      return new AuthError('key-source-unavailable', 'the token signing keys could not be fetched');
    }
    return new AuthError('malformed-token', 'the bearer token could not be verified');
  }
}

function principalFromClaims(claims: JWTPayload): Principal {
  const { sub, agency, roles } = claims as { sub?: unknown; agency?: unknown; roles?: unknown };
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > MAX_SUB_LENGTH) {
    throw new AuthError(
      'invalid-claims',
      `the "sub" claim must be a string of 1-${MAX_SUB_LENGTH} characters`,
    );
  }
  if (!isAgencyCode(agency)) {
    throw new AuthError(
      'invalid-claims',
      'the "agency" claim must be an agency code (2-64 letters, digits, "-" or "_")',
    );
  }
  if (!Array.isArray(roles)) {
    throw new AuthError('invalid-claims', 'the "roles" claim must be an array of roles');
  }
  const known = [...new Set(roles.filter(isRole))];
  if (known.length === 0) {
    throw new AuthError('invalid-claims', 'the "roles" claim holds no known role');
  }
  return { sub, agency, roles: known, via: 'token' };
}
