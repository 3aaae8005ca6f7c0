import { readFileSync } from 'node:fs';
import { parseApiKeys, type ApiKeyEntry } from './api-keys.js';
import { publicKeyFromPem } from './keys.js';
import type { TokenVerifierConfig } from './token-verifier.js';

export const DEFAULT_ISSUER = 'openlgsp-local';
export const DEFAULT_AUDIENCE = 'openlgsp';

export interface AuthConfig extends TokenVerifierConfig {
  /** API keys of external apps (hashed). */
  apiKeys?: ApiKeyEntry[];
}

/**
 * Reads the auth configuration from the environment:
 * `AUTH_JWKS_URL` | `AUTH_PUBLIC_KEY` (PEM) | `AUTH_PUBLIC_KEY_FILE` (exactly one),
 * `AUTH_ISSUER` (default `openlgsp-local`), `AUTH_AUDIENCE` (default `openlgsp`),
 * `AUTH_MAX_TOKEN_LIFETIME_SECONDS` (default 28800, 8 hours: longer-lived tokens and older ones are refused),
 * `API_KEYS_FILE` (optional JSON array of hashed API keys).
 * Throws a startup error saying what to set when something is missing or wrong.
 */
export function authConfigFromEnv(env: NodeJS.ProcessEnv = process.env): AuthConfig {
  const jwksUrl = nonEmpty(env.AUTH_JWKS_URL);
  const publicKey = nonEmpty(env.AUTH_PUBLIC_KEY);
  const publicKeyFile = nonEmpty(env.AUTH_PUBLIC_KEY_FILE);
  const sources = [
    jwksUrl && 'AUTH_JWKS_URL',
    publicKey && 'AUTH_PUBLIC_KEY',
    publicKeyFile && 'AUTH_PUBLIC_KEY_FILE',
  ];
  const set = sources.filter(Boolean);
  if (set.length === 0) {
    throw new Error(
      'auth: no token key configured. Set AUTH_JWKS_URL (the identity provider key set), ' +
        'AUTH_PUBLIC_KEY (a PEM public key) or AUTH_PUBLIC_KEY_FILE (a PEM file; for local ' +
        'development, auth-public.pem written by the token command in $LGSP_DATA/keys).',
    );
  }
  if (set.length > 1) throw new Error(`auth: set only one of ${set.join(', ')}`);

  const config: AuthConfig = {
    issuer: nonEmpty(env.AUTH_ISSUER) ?? DEFAULT_ISSUER,
    audience: nonEmpty(env.AUTH_AUDIENCE) ?? DEFAULT_AUDIENCE,
  };
  const lifetime = nonEmpty(env.AUTH_MAX_TOKEN_LIFETIME_SECONDS);
  if (lifetime !== undefined) {
    const seconds = Number(lifetime);
    if (!Number.isInteger(seconds) || seconds < 60 || seconds > 7 * 24 * 3600)
      throw new Error(
        'auth: AUTH_MAX_TOKEN_LIFETIME_SECONDS must be a whole number of seconds, 60 to 604800',
      );
    config.maxLifetimeSeconds = seconds;
  }
  if (jwksUrl) config.jwksUrl = jwksUrl;
  if (publicKey) config.publicKeyPem = checkedPem(publicKey, 'AUTH_PUBLIC_KEY');
  if (publicKeyFile) {
    config.publicKeyPem = checkedPem(
      readText(publicKeyFile, 'AUTH_PUBLIC_KEY_FILE'),
      `AUTH_PUBLIC_KEY_FILE ${publicKeyFile}`,
    );
  }

  const apiKeysFile = nonEmpty(env.API_KEYS_FILE);
  if (apiKeysFile) {
    let json: unknown;
    try {
      json = JSON.parse(readText(apiKeysFile, 'API_KEYS_FILE'));
    } catch (error) {
      if (error instanceof SyntaxError) throw new Error(`API_KEYS_FILE ${apiKeysFile} is not valid JSON`);
      throw error;
    }
    config.apiKeys = parseApiKeys(json, `API_KEYS_FILE ${apiKeysFile}`);
  }
  return config;
}

/** Fails at startup, naming the variable, rather than on the first request. */
function checkedPem(pem: string, source: string): string {
  publicKeyFromPem(pem, source);
  return pem;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function readText(path: string, variable: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`${variable}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}
