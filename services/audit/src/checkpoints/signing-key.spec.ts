import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkpointSignatureValid, signCheckpoint, trustedKeys } from './checkpoint.rules.js';
import { loadPublicKeys, loadSigningKey } from './signing-key.js';

const pem = (k: ReturnType<typeof generateKeyPairSync>['privateKey'], type: 'pkcs8' | 'spki') =>
  k.export({ type, format: 'pem' }) as string;

describe('the signing key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lgsp-audit-key-'));
  const signingKey = (more = {}) => ({ devDir: dir, production: false, ...more });

  it('generates a development key once and reuses it', async () => {
    const first = await loadSigningKey(signingKey());
    const again = await loadSigningKey(signingKey());
    assert.equal(again.keyId, first.keyId);
    assert.match(first.keyId, /^[0-9a-f]{16}$/);
  });

  it('is required in production, and must be Ed25519', async () => {
    await assert.rejects(loadSigningKey(signingKey({ production: true })), /required in production/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
    await assert.rejects(loadSigningKey(signingKey({ pem: pem(rsa, 'pkcs8') })), /must be Ed25519/);
    await assert.rejects(loadSigningKey(signingKey({ pem: 'not a key' })), /not a PEM private key/);
  });

  it('keeps checkpoints of a rotated-out key verifiable through the previous public keys', async () => {
    const old = generateKeyPairSync('ed25519');
    const current = await loadSigningKey(
      signingKey({ pem: pem(generateKeyPairSync('ed25519').privateKey, 'pkcs8') }),
    );
    const file = join(dir, 'previous.pem');
    writeFileSync(file, pem(old.publicKey, 'spki'));
    const cp = signCheckpoint({ seq: 7, hash: 'a'.repeat(64) }, new Date(), old.privateKey);
    assert.equal(checkpointSignatureValid(cp, trustedKeys(current.publicKey)), false);
    assert.equal(
      checkpointSignatureValid(cp, trustedKeys(current.publicKey, ...(await loadPublicKeys(file)))),
      true,
    );
    rmSync(dir, { recursive: true, force: true });
  });
});
