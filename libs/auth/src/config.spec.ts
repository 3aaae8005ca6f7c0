import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { hashApiKey } from './api-keys.js';
import { authConfigFromEnv } from './config.js';

const { publicKey, privateKey } = generateKeyPairSync('ed25519');
const pem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
let dir = '';
after(() => rm(dir, { recursive: true, force: true }));

describe('authConfigFromEnv', () => {
  it('says what to set when no key source is configured', () => {
    assert.throws(() => authConfigFromEnv({}), /AUTH_JWKS_URL.*AUTH_PUBLIC_KEY.*AUTH_PUBLIC_KEY_FILE/s);
  });

  it('reads a public key with default issuer and audience', () => {
    assert.deepEqual(authConfigFromEnv({ AUTH_PUBLIC_KEY: pem }), {
      issuer: 'openlgsp-local',
      audience: 'openlgsp',
      publicKeyPem: pem.trim(),
    });
    const escaped = pem.trim().replaceAll('\n', '\\n');
    assert.equal(
      authConfigFromEnv({ AUTH_PUBLIC_KEY: escaped }).publicKeyPem,
      escaped,
      'accepts \\n-escaped PEM',
    );
  });

  it('reads key and API key files, refusing mistakes at startup', async () => {
    dir = await mkdtemp(join(tmpdir(), 'lgsp-auth-config-'));
    await writeFile(join(dir, 'public.pem'), pem);
    await writeFile(join(dir, 'private.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    await writeFile(
      join(dir, 'keys.json'),
      JSON.stringify([
        { id: 'maps-app', sha256: hashApiKey('k'), roles: ['public-app'], rateLimitPerMinute: 120 },
      ]),
    );
    await writeFile(join(dir, 'bad.json'), '[{');

    const config = authConfigFromEnv({
      AUTH_PUBLIC_KEY_FILE: join(dir, 'public.pem'),
      AUTH_ISSUER: 'https://id.example.gov.vn',
      AUTH_AUDIENCE: 'lgsp',
      API_KEYS_FILE: join(dir, 'keys.json'),
    });
    assert.equal(config.publicKeyPem, pem);
    assert.equal(config.issuer, 'https://id.example.gov.vn');
    assert.equal(config.audience, 'lgsp');
    assert.equal(config.apiKeys?.[0]?.rateLimitPerMinute, 120);

    assert.throws(() => authConfigFromEnv({ AUTH_PUBLIC_KEY_FILE: join(dir, 'private.pem') }), /private key/);
    assert.throws(
      () => authConfigFromEnv({ AUTH_PUBLIC_KEY_FILE: join(dir, 'missing.pem') }),
      /cannot read .*ENOENT/,
    );
    assert.throws(
      () => authConfigFromEnv({ AUTH_PUBLIC_KEY: pem, API_KEYS_FILE: join(dir, 'bad.json') }),
      /not valid JSON/,
    );
    assert.throws(
      () => authConfigFromEnv({ AUTH_PUBLIC_KEY: pem, AUTH_JWKS_URL: 'https://id/jwks' }),
      /only one of/,
    );
  });

  it('takes a JWKS URL', () => {
    assert.equal(
      authConfigFromEnv({ AUTH_JWKS_URL: 'https://id.example/jwks' }).jwksUrl,
      'https://id.example/jwks',
    );
  });
});
