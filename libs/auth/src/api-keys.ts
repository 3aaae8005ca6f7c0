import { createHash } from 'node:crypto';
import { isAgencyCode, Role, type Principal } from './principal.js';

/** One API key of an external app, as stored: only the SHA-256 of the key, never the key. */
export interface ApiKeyEntry {
  id: string;
  /** Lower-case hex SHA-256 of the key. */
  sha256: string;
  /** The agency the app belongs to, if any. */
  agency?: string;
  roles: Role[];
  rateLimitPerMinute: number;
}

/** Roles an API key may carry: a leaked static key must never coordinate or decide. */
const API_KEY_ROLES: readonly Role[] = [Role.PublicApp, Role.Integrator];
const DEFAULT_RATE_LIMIT_PER_MINUTE = 60;
const MAX_API_KEY_LENGTH = 512;
const KEY_ID = /^[A-Za-z0-9_.-]{1,64}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Validates the parsed contents of an API keys file; errors name the entry and the field. */
export function parseApiKeys(json: unknown, source = 'API keys'): ApiKeyEntry[] {
  if (!Array.isArray(json)) throw new Error(`${source}: expected a JSON array of API keys`);
  const ids = new Set<string>();
  return json.map((raw: unknown, index) => {
    const at = `${source}[${index}]`;
    if (typeof raw !== 'object' || raw === null) throw new Error(`${at}: expected an object`);
    const { id, sha256, agency, roles, rateLimitPerMinute } = raw as Record<string, unknown>;
    if (typeof id !== 'string' || !KEY_ID.test(id)) {
      throw new Error(`${at}.id: expected 1-64 letters, digits, ".", "-" or "_"`);
    }
    if (ids.has(id)) throw new Error(`${at}.id: duplicate id ${id}`);
    ids.add(id);
    if (typeof sha256 !== 'string' || !SHA256_HEX.test(sha256.toLowerCase())) {
      throw new Error(`${at}.sha256: expected 64 hex digits (the SHA-256 of the key)`);
    }
    if (agency !== undefined && !isAgencyCode(agency)) {
      throw new Error(`${at}.agency: expected an agency code (2-64 letters, digits, "-" or "_")`);
    }
    const keyRoles = roles ?? [Role.PublicApp];
    if (
      !Array.isArray(keyRoles) ||
      keyRoles.length === 0 ||
      !keyRoles.every((role) => API_KEY_ROLES.includes(role as Role))
    ) {
      throw new Error(`${at}.roles: expected a non-empty array of ${API_KEY_ROLES.join(', ')}`);
    }
    const limit = rateLimitPerMinute ?? DEFAULT_RATE_LIMIT_PER_MINUTE;
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1) {
      throw new Error(`${at}.rateLimitPerMinute: expected a positive integer`);
    }
    return {
      id,
      sha256: sha256.toLowerCase(),
      ...(agency === undefined ? {} : { agency }),
      roles: [...new Set(keyRoles as Role[])],
      rateLimitPerMinute: limit,
    };
  });
}

/** Finds API keys by the SHA-256 of the presented key. */
export class ApiKeyStore {
  private readonly byHash: Map<string, ApiKeyEntry>;

  constructor(entries: readonly ApiKeyEntry[] = []) {
    this.byHash = new Map(entries.map((entry) => [entry.sha256.toLowerCase(), entry]));
  }

  get size(): number {
    return this.byHash.size;
  }

  lookup(presentedKey: string): ApiKeyEntry | undefined {
    if (!presentedKey || presentedKey.length > MAX_API_KEY_LENGTH) return undefined;
    return this.byHash.get(hashApiKey(presentedKey));
  }
}

export function apiKeyPrincipal(entry: ApiKeyEntry): Principal {
  return { sub: entry.id, agency: entry.agency ?? '', roles: [...entry.roles], via: 'api-key' };
}
