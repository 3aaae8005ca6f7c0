import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import {
  checkpointSignatureValid,
  keyIdOf,
  signCheckpoint,
  signedPayload,
  trustedKeys,
} from './checkpoint.rules.js';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519');
const head = { seq: 42, hash: 'c'.repeat(64) };
const at = new Date('2026-03-02T03:00:00.000Z');

describe('signing a checkpoint', () => {
  it('states which entry hashed to what, when, and under which key', () => {
    const cp = signCheckpoint(head, at, privateKey);
    assert.equal(cp.seq, 42);
    assert.equal(cp.hash, head.hash);
    assert.equal(cp.signedAt, '2026-03-02T03:00:00.000Z');
    assert.equal(cp.algorithm, 'Ed25519');
    assert.equal(cp.keyId, keyIdOf(publicKey));
  });

  it('names a key by the first 16 hex digits of the SHA-256 of its SPKI DER', () => {
    const der = publicKey.export({ type: 'spki', format: 'der' });
    assert.equal(keyIdOf(publicKey), createHash('sha256').update(der).digest('hex').slice(0, 16));
    assert.notEqual(keyIdOf(publicKey), keyIdOf(other.publicKey));
  });

  it('signs the canonical JSON of everything but the signature', () => {
    const cp = signCheckpoint(head, at, privateKey);
    assert.equal(
      signedPayload(cp).toString('utf8'),
      `{"algorithm":"Ed25519","hash":"${head.hash}","keyId":"${cp.keyId}","seq":42,"signedAt":"${cp.signedAt}"}`,
    );
  });
});

describe('checking a checkpoint', () => {
  const keys = trustedKeys(publicKey);

  it('accepts a checkpoint signed by a trusted key', () => {
    assert.equal(checkpointSignatureValid(signCheckpoint(head, at, privateKey), keys), true);
  });

  it('trusts earlier keys too, after a key rotation', () => {
    const rotated = trustedKeys(other.publicKey, publicKey);
    assert.equal(checkpointSignatureValid(signCheckpoint(head, at, privateKey), rotated), true);
  });

  it('refuses a checkpoint whose statement was changed after signing', () => {
    const cp = signCheckpoint(head, at, privateKey);
    assert.equal(checkpointSignatureValid({ ...cp, seq: 43 }, keys), false);
    assert.equal(checkpointSignatureValid({ ...cp, hash: 'd'.repeat(64) }, keys), false);
    assert.equal(checkpointSignatureValid({ ...cp, signedAt: '2026-03-03T00:00:00.000Z' }, keys), false);
  });

  it('refuses a checkpoint by an unknown key, even one naming a trusted key id', () => {
    const foreign = signCheckpoint(head, at, other.privateKey);
    assert.equal(checkpointSignatureValid(foreign, keys), false);
    assert.equal(checkpointSignatureValid({ ...foreign, keyId: keyIdOf(publicKey) }, keys), false);
  });

  it('refuses a malformed signature without throwing', () => {
    const cp = signCheckpoint(head, at, privateKey);
    assert.equal(checkpointSignatureValid({ ...cp, signature: 'not base64 at all!' }, keys), false);
    assert.equal(checkpointSignatureValid({ ...cp, signature: undefined as unknown as string }, keys), false);
  });
});
