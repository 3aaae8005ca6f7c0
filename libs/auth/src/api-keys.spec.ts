import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apiKeyPrincipal, ApiKeyStore, hashApiKey, parseApiKeys } from './api-keys.js';
import { FixedWindowRateLimiter } from './rate-limit.js';

const secret = 'lgsp_live_3f9a1c0d7e';

describe('API keys', () => {
  const entries = parseApiKeys([
    {
      id: 'maps-app',
      sha256: hashApiKey(secret).toUpperCase(),
      roles: ['public-app'],
      rateLimitPerMinute: 2,
    },
    { id: 'hcm-sync', sha256: hashApiKey('other'), agency: 'HCM-01', roles: ['integrator'] },
  ]);
  const store = new ApiKeyStore(entries);

  it('finds a key by the SHA-256 of the presented key', () => {
    const entry = store.lookup(secret);
    assert.equal(entry?.id, 'maps-app');
    assert.deepEqual(apiKeyPrincipal(entry!), {
      sub: 'maps-app',
      agency: '',
      roles: ['public-app'],
      via: 'api-key',
    });
    assert.equal(store.lookup('other')?.agency, 'HCM-01');
    assert.equal(store.lookup('wrong'), undefined);
    assert.equal(store.lookup(''), undefined);
  });

  it('applies defaults and validates entries, naming the field', () => {
    assert.equal(entries[1]!.rateLimitPerMinute, 60);
    assert.deepEqual(parseApiKeys([{ id: 'a', sha256: hashApiKey('a') }])[0]!.roles, ['public-app']);
    assert.throws(() => parseApiKeys({}), /expected a JSON array/);
    assert.throws(() => parseApiKeys([{ id: 'a', sha256: 'abc' }]), /\[0\]\.sha256/);
    assert.throws(() => parseApiKeys([{ id: 'a', sha256: hashApiKey('a'), roles: ['dic'] }]), /\[0\]\.roles/);
    assert.throws(() => parseApiKeys([{ id: 'a', sha256: hashApiKey('a'), agency: 'A.B' }]), /\[0\]\.agency/);
    assert.throws(
      () => parseApiKeys([{ id: 'a', sha256: hashApiKey('a'), rateLimitPerMinute: 0 }]),
      /rateLimitPerMinute/,
    );
    const twice = { id: 'a', sha256: hashApiKey('a') };
    assert.throws(() => parseApiKeys([twice, twice]), /\[1\]\.id: duplicate/);
  });
});

describe('FixedWindowRateLimiter', () => {
  it('allows the limit per key per window, then refuses until the next window', () => {
    let clock = 120_000 + 50_000; // 10 s before the window ends
    const limiter = new FixedWindowRateLimiter(60_000, () => clock);
    assert.deepEqual(limiter.take('maps-app', 2), { allowed: true, remaining: 1, retryAfterSeconds: 0 });
    assert.equal(limiter.take('maps-app', 2).allowed, true);
    assert.deepEqual(limiter.take('maps-app', 2), { allowed: false, remaining: 0, retryAfterSeconds: 10 });
    assert.equal(limiter.take('hcm-sync', 2).allowed, true, 'keys are counted separately');
    clock += 10_000;
    assert.equal(limiter.take('maps-app', 2).allowed, true, 'a new window starts afresh');
  });
});
