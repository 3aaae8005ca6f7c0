import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomUUID,
  type KeyObject,
} from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SignJWT } from 'jose';
import { algorithmsForKey } from './keys.js';
import { isAgencyCode, isRole, type Role } from './principal.js';

/** Development keys: never use them in production. */
export interface LocalKeys {
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicKeyPem: string;
  privateKeyPath: string;
  publicKeyPath: string;
  /** True when this call generated the pair. */
  created: boolean;
}

const PRIVATE_FILE = 'auth-private.pem';
const PUBLIC_FILE = 'auth-public.pem';

/** `$LGSP_DATA/keys`, or `./.lgsp/keys` from the working directory. */
export function defaultKeysDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.LGSP_DATA ? join(env.LGSP_DATA, 'keys') : resolve('.lgsp', 'keys');
}

/**
 * Loads the Ed25519 development key pair from `dir`, creating it the first time
 * (`auth-private.pem` mode 0600, `auth-public.pem`). The public key is always derived
 * from the private one, so the two files cannot disagree.
 */
export async function localKeys(dir: string): Promise<LocalKeys> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const privateKeyPath = join(dir, PRIVATE_FILE);
  const publicKeyPath = join(dir, PUBLIC_FILE);

  let created = false;
  let privatePem: string;
  try {
    privatePem = await readFile(privateKeyPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const { privateKey } = generateKeyPairSync('ed25519');
    privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    try {
      // 'wx': if another process created the key meanwhile, keep theirs.
      await writeFile(privateKeyPath, privatePem, { mode: 0o600, flag: 'wx' });
      created = true;
    } catch (writeError) {
      if ((writeError as NodeJS.ErrnoException).code !== 'EEXIST') throw writeError;
      privatePem = await readFile(privateKeyPath, 'utf8');
    }
  }

  const privateKey = createPrivateKey(privatePem);
  const publicKey = createPublicKey(privateKey);
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
  const existing = await readFile(publicKeyPath, 'utf8').catch(() => undefined);
  if (existing !== publicKeyPem) await writeFile(publicKeyPath, publicKeyPem, { mode: 0o644 });
  return { privateKey, publicKey, publicKeyPem, privateKeyPath, publicKeyPath, created };
}

export interface TokenRequest {
  sub: string;
  agency: string;
  roles: readonly Role[];
  /** Lifetime: seconds, or a jose time span such as `"8h"`, `"30m"`. Default `"1h"`. */
  ttl?: string | number;
}

/** Signs a token for development and tests (EdDSA with an Ed25519 key; ES256/RS256 also work). */
export async function issueToken(
  request: TokenRequest,
  privateKey: KeyObject,
  options: { issuer: string; audience: string },
): Promise<string> {
  if (!request.sub) throw new Error('issueToken: sub is required');
  if (!isAgencyCode(request.agency)) {
    throw new Error('issueToken: agency must be 2-64 letters, digits, "-" or "_"');
  }
  const unknown = request.roles.filter((role) => !isRole(role));
  if (request.roles.length === 0 || unknown.length > 0) {
    throw new Error(
      `issueToken: roles must be known roles${unknown.length ? ` (unknown: ${unknown.join(', ')})` : ''}`,
    );
  }
  const ttl = request.ttl ?? '1h';
  return new SignJWT({ agency: request.agency, roles: [...request.roles] })
    .setProtectedHeader({ alg: algorithmsForKey(privateKey)[0]!, typ: 'JWT' })
    .setSubject(request.sub)
    .setIssuer(options.issuer)
    .setAudience(options.audience)
    .setIssuedAt()
    .setJti(randomUUID())
    .setExpirationTime(typeof ttl === 'number' ? `${ttl}s` : ttl)
    .sign(privateKey);
}
