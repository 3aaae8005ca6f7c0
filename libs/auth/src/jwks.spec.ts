import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { exportJWK, SignJWT } from 'jose';
import { AuthError } from './errors.js';
import { TokenVerifier } from './token-verifier.js';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const opts = { issuer: 'https://id.example', audience: 'openlgsp' };
let server: Server;
let base = '';

const sign = (kid: string, key = privateKey) =>
  new SignJWT({ agency: 'DN-02', roles: ['consumer'] })
    .setProtectedHeader({ alg: 'EdDSA', kid })
    .setSubject('chi')
    .setIssuer(opts.issuer)
    .setAudience(opts.audience)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(key);

const reason = (expected: string) => (error: unknown) =>
  error instanceof AuthError && error.reason === expected;

describe('TokenVerifier with a JWKS URL', () => {
  before(async () => {
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'EdDSA', use: 'sig' };
    server = createServer((req, res) => {
      if (req.url === '/jwks') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
      } else {
        res.writeHead(500).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('verifies a token signed by a key of the set', async () => {
    const verifier = new TokenVerifier({ jwksUrl: `${base}/jwks`, ...opts });
    assert.deepEqual(await verifier.verify(await sign('k1')), {
      sub: 'chi',
      agency: 'DN-02',
      roles: ['consumer'],
      via: 'token',
    });
  });

  it('refuses an unknown key id and a foreign signature', async () => {
    const verifier = new TokenVerifier({ jwksUrl: `${base}/jwks`, ...opts });
    await assert.rejects(verifier.verify(await sign('k2')), reason('unknown-key'));
    await assert.rejects(
      verifier.verify(await sign('k1', generateKeyPairSync('ed25519').privateKey)),
      reason('bad-signature'),
    );
  });

  it('reports an unusable key source as such, not as a bad token', async () => {
    const verifier = new TokenVerifier({ jwksUrl: `${base}/broken`, ...opts });
    await assert.rejects(verifier.verify(await sign('k1')), reason('key-source-unavailable'));
  });
});
