import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from '../trail/canonical.js';
import type { ChainHead } from '../trail/entry.model.js';

/** The event announcing each checkpoint (a verifier may keep them: see checkpoint-file.ts). */
export const CHECKPOINT_SIGNED = 'vn.openlgsp.audit.checkpoint.signed.v1';

/** A signed statement that entry `seq` hashed to `hash` at `signedAt`. */
export interface Checkpoint {
  seq: number;
  hash: string;
  signedAt: string;
  keyId: string;
  algorithm: 'Ed25519';
  /** base64 */
  signature: string;
}

/** Public keys a verifier trusts, by key id. */
export type TrustedKeys = ReadonlyMap<string, KeyObject>;

/** The first 16 hex digits of SHA-256 over the public key's SPKI DER. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);
}

/** The bytes signed: the canonical JSON of everything but the signature. */
export function signedPayload(cp: Omit<Checkpoint, 'signature'>): Buffer {
  const { seq, hash, signedAt, keyId, algorithm } = cp;
  return Buffer.from(canonicalJson({ algorithm, hash, keyId, seq, signedAt }), 'utf8');
}

export function signCheckpoint(head: ChainHead, at: Date, privateKey: KeyObject): Checkpoint {
  const unsigned = {
    seq: head.seq,
    hash: head.hash,
    signedAt: at.toISOString(),
    keyId: keyIdOf(createPublicKey(privateKey)),
    algorithm: 'Ed25519' as const,
  };
  return { ...unsigned, signature: sign(null, signedPayload(unsigned), privateKey).toString('base64') };
}

export function checkpointSignatureValid(cp: Checkpoint, keys: TrustedKeys): boolean {
  const key = keys.get(cp.keyId);
  if (!key || cp.algorithm !== 'Ed25519' || typeof cp.signature !== 'string') return false;
  try {
    return verify(null, signedPayload(cp), key, Buffer.from(cp.signature, 'base64'));
  } catch {
    return false;
  }
}

export function trustedKeys(...publicKeys: KeyObject[]): TrustedKeys {
  return new Map(publicKeys.map((k) => [keyIdOf(k), k]));
}
