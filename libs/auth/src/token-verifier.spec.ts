import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { AuthError, type AuthFailureReason } from './errors.js';
import { issueToken } from './local.js';
import { TokenVerifier } from './token-verifier.js';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
const audience = { issuer: 'openlgsp-local', audience: 'openlgsp' };
const verifier = new TokenVerifier({ publicKeyPem, ...audience });
const now = () => Math.floor(Date.now() / 1000);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function sign(claims: Record<string, unknown>, key = privateKey, alg = 'EdDSA') {
  const jwt = new SignJWT({ iat: now(), exp: now() + 300, ...claims })
    .setProtectedHeader({ alg })
    .setSubject('alice')
    .setIssuer(audience.issuer)
    .setAudience(audience.audience);
  return jwt.sign(key);
}

async function refused(token: string | undefined, reason: AuthFailureReason, v = verifier) {
  await assert.rejects(v.verify(token), (error: unknown) => {
    assert.ok(error instanceof AuthError, String(error));
    assert.equal(error.reason, reason, error.message);
    if (token) assert.ok(!error.message.includes(token), 'the message must not echo the token');
    return true;
  });
}

describe('TokenVerifier', () => {
  it('refuses a token issued in the future, too long-lived, too old, or without iat', async () => {
    const claims = { agency: 'SOTTTT', roles: ['dic'] };
    await refused(await sign({ ...claims, iat: now() + 3600, exp: now() + 7200 }), 'issued-in-future');
    await refused(await sign({ ...claims, iat: now(), exp: now() + 365 * 86400 }), 'too-long-lived');
    await refused(await sign({ ...claims, iat: now() - 9 * 3600, exp: now() + 60 }), 'expired');
    await refused(await sign({ ...claims, iat: undefined }), 'invalid-claims');
    const strict = new TokenVerifier({ publicKeyPem, ...audience, maxLifetimeSeconds: 120 });
    await refused(await sign(claims), 'too-long-lived', strict);
    assert.equal((await verifier.verify(await sign(claims))).agency, 'SOTTTT', 'a 5-minute token passes');
  });

  it('verifies a valid token into a principal', async () => {
    const token = await issueToken(
      { sub: 'alice', agency: 'SOTTTT', roles: ['dic', 'provider'] },
      privateKey,
      audience,
    );
    assert.deepEqual(await verifier.verify(token), {
      sub: 'alice',
      agency: 'SOTTTT',
      roles: ['dic', 'provider'],
      via: 'token',
    });
  });

  it('accepts ES256 and RS256 public keys too', async () => {
    for (const [type, alg, options] of [
      ['ec', 'ES256', { namedCurve: 'P-256' }],
      ['rsa', 'RS256', { modulusLength: 2048 }],
    ] as const) {
      const pair = generateKeyPairSync(type as 'ec', options as { namedCurve: string });
      const pem = pair.publicKey.export({ type: 'spki', format: 'pem' }) as string;
      const v = new TokenVerifier({ publicKeyPem: pem, ...audience });
      const token = await sign({ agency: 'HCM-01', roles: ['consumer'] }, pair.privateKey, alg);
      assert.equal((await v.verify(token)).agency, 'HCM-01', alg);
    }
  });

  it('refuses a missing or malformed token', async () => {
    await refused(undefined, 'missing-token');
    await refused('', 'missing-token');
    await refused('not a jwt', 'malformed-token');
    await refused(`bm90LWpzb24.${b64({ sub: 'x' })}.c2ln`, 'malformed-token');
  });

  it('refuses an expired token, tolerating small clock skew', async () => {
    await refused(await sign({ agency: 'HCM-01', roles: ['consumer'], exp: now() - 3600 }), 'expired');
    const skewed = await sign({ agency: 'HCM-01', roles: ['consumer'], exp: now() - 5 });
    assert.equal((await verifier.verify(skewed)).sub, 'alice');
  });

  it('refuses a token not valid yet, and one without exp', async () => {
    await refused(await sign({ agency: 'HCM-01', roles: ['consumer'], nbf: now() + 3600 }), 'not-yet-valid');
    const noExp = await new SignJWT({ agency: 'HCM-01', roles: ['consumer'] })
      .setProtectedHeader({ alg: 'EdDSA' })
      .setSubject('alice')
      .setIssuer(audience.issuer)
      .setAudience(audience.audience)
      .sign(privateKey);
    await refused(noExp, 'invalid-claims');
  });

  it('refuses a wrong audience and a wrong issuer', async () => {
    const claims = { sub: 'alice', agency: 'HCM-01', roles: ['consumer' as const] };
    await refused(
      await issueToken(claims, privateKey, { ...audience, audience: 'elsewhere' }),
      'wrong-audience',
    );
    await refused(await issueToken(claims, privateKey, { ...audience, issuer: 'evil' }), 'wrong-issuer');
  });

  it('refuses a tampered signature and a forged agency claim', async () => {
    const token = await issueToken(
      { sub: 'alice', agency: 'HCM-01', roles: ['provider'] },
      privateKey,
      audience,
    );
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const flipped = signature.startsWith('A') ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
    await refused(`${header}.${payload}.${flipped}`, 'bad-signature');

    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    await refused(
      `${header}.${b64({ ...claims, agency: 'DN-02', roles: ['dic'] })}.${signature}`,
      'bad-signature',
    );

    const other = generateKeyPairSync('ed25519').privateKey;
    await refused(await sign({ agency: 'HCM-01', roles: ['dic'] }, other), 'bad-signature');
  });

  it('refuses alg none, HS256 and algorithms the key cannot verify', async () => {
    const claims = {
      sub: 'alice',
      agency: 'HCM-01',
      roles: ['dic'],
      iss: audience.issuer,
      aud: audience.audience,
      exp: now() + 60,
    };
    await refused(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`, 'disallowed-algorithm');
    const hs = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode('x'.repeat(32)));
    await refused(hs, 'disallowed-algorithm');
    // An HS256 token "signed" with the public key PEM as secret (the classic confusion attack).
    const confused = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(publicKeyPem));
    await refused(confused, 'disallowed-algorithm');
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    await refused(await sign({ agency: 'HCM-01', roles: ['dic'] }, ec, 'ES256'), 'disallowed-algorithm');
  });

  it('refuses a missing or non-token-safe agency claim', async () => {
    await refused(await sign({ roles: ['provider'] }), 'invalid-claims');
    await refused(await sign({ agency: '000.00.31.H41', roles: ['provider'] }), 'invalid-claims');
    await refused(await sign({ agency: 'lgsp.>', roles: ['provider'] }), 'invalid-claims');
    await refused(await sign({ agency: 42, roles: ['provider'] }), 'invalid-claims');
  });

  it('ignores unknown roles but refuses a token with no known role', async () => {
    const principal = await verifier.verify(
      await sign({ agency: 'HCM-01', roles: ['provider', 'superuser', 'provider'] }),
    );
    assert.deepEqual(principal.roles, ['provider']);
    await refused(await sign({ agency: 'HCM-01', roles: ['superuser'] }), 'invalid-claims');
    await refused(await sign({ agency: 'HCM-01', roles: 'dic' }), 'invalid-claims');
    await refused(await sign({ agency: 'HCM-01' }), 'invalid-claims');
  });

  it('fails at construction without a usable key', () => {
    assert.throws(() => new TokenVerifier({}), /AUTH_JWKS_URL, AUTH_PUBLIC_KEY or AUTH_PUBLIC_KEY_FILE/);
    const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    assert.throws(() => new TokenVerifier({ publicKeyPem: privatePem }), /private key/);
    assert.throws(() => new TokenVerifier({ publicKeyPem: 'nonsense' }), /not a PEM public key/);
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({
      type: 'spki',
      format: 'pem',
    });
    assert.throws(() => new TokenVerifier({ publicKeyPem: weak as string }), /RSA ≥ 2048/);
  });
});
