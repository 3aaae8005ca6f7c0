import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AuditConfigError, type AuditConfig } from '../config.js';
import { keyIdOf } from './checkpoint.rules.js';

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicKeyPem: string;
  keyId: string;
}

const DEV_KEY_FILE = 'audit-signing-private.pem';

/** Every PEM public key in a file (a rotated-out key's checkpoints keep verifying). */
export async function loadPublicKeys(file: string): Promise<KeyObject[]> {
  const text = await readFile(file, 'utf8');
  const blocks = text.match(/-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/g) ?? [];
  if (!blocks.length) throw new AuditConfigError(`${file} holds no PEM public key`);
  return blocks.map((pem) => {
    const key = createPublicKey(pem);
    if (key.asymmetricKeyType !== 'ed25519')
      throw new AuditConfigError(`${file}: previous signing keys must be Ed25519`);
    return key;
  });
}

/**
 * The checkpoint signing key: AUDIT_SIGNING_KEY (PEM) or AUDIT_SIGNING_KEY_FILE; outside production,
 * a development key generated once into the local keys directory (as the auth library does).
 */
export async function loadSigningKey(config: AuditConfig['signingKey']): Promise<SigningKey> {
  let pem = config.pem;
  if (!pem && config.file) pem = await readFile(config.file, 'utf8');
  if (!pem) {
    if (config.production)
      throw new AuditConfigError('AUDIT_SIGNING_KEY or AUDIT_SIGNING_KEY_FILE is required in production');
    pem = await developmentKey(config.devDir);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch {
    throw new AuditConfigError('the audit signing key is not a PEM private key');
  }
  if (privateKey.asymmetricKeyType !== 'ed25519')
    throw new AuditConfigError(`the audit signing key must be Ed25519, not ${privateKey.asymmetricKeyType}`);
  const publicKey = createPublicKey(privateKey);
  return {
    privateKey,
    publicKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) as string,
    keyId: keyIdOf(publicKey),
  };
}

async function developmentKey(dir: string): Promise<string> {
  const path = join(dir, DEV_KEY_FILE);
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  try {
    await writeFile(path, pem, { mode: 0o600, flag: 'wx' });
    return pem;
  } catch (err) {
    // Another instance created it meanwhile: use theirs.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return readFile(path, 'utf8');
  }
}
