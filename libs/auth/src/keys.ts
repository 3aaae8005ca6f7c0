import { createPublicKey, type KeyObject } from 'node:crypto';

/** The asymmetric JWS algorithms accepted. Symmetric (HS*) and `none` never are. */
export const ALLOWED_ALGORITHMS = ['EdDSA', 'Ed25519', 'ES256', 'RS256'] as const;

/** The algorithms a key can verify (or sign, for `[0]`); throws for keys we do not accept. */
export function algorithmsForKey(key: KeyObject): string[] {
  switch (key.asymmetricKeyType) {
    case 'ed25519':
      return ['EdDSA', 'Ed25519'];
    case 'ec':
      if (key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return ['ES256'];
      break;
    case 'rsa':
      if ((key.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048) return ['RS256'];
      break;
  }
  throw new Error(
    `unsupported key (${key.asymmetricKeyType ?? key.type}): use Ed25519, EC P-256 or RSA ≥ 2048 bits`,
  );
}

/** Parses an SPKI PEM public key; refuses a private key given where a public one belongs. */
export function publicKeyFromPem(pem: string, source: string): KeyObject {
  const text = pem.includes('\\n') ? pem.replaceAll('\\n', '\n') : pem;
  if (/PRIVATE KEY/.test(text)) {
    throw new Error(`${source} holds a private key; give the public key (auth-public.pem) instead`);
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: text, format: 'pem' });
  } catch {
    throw new Error(`${source} is not a PEM public key ("-----BEGIN PUBLIC KEY-----")`);
  }
  try {
    algorithmsForKey(key);
  } catch (error) {
    throw new Error(`${source}: ${(error as Error).message}`);
  }
  return key;
}
