import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { HttpException, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiKeyStore, hashApiKey, parseApiKeys } from './api-keys.js';
import { Public, Roles } from './decorators.js';
import { AuthGuard, type AuthRequest } from './guard.js';
import { issueToken } from './local.js';
import { FixedWindowRateLimiter } from './rate-limit.js';
import type { RefusalEvent } from './refusal.js';
import { TokenVerifier } from './token-verifier.js';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const opts = { issuer: 'openlgsp-local', audience: 'openlgsp' };
const verifier = new TokenVerifier({
  publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) as string,
  ...opts,
});
const apiKeys = new ApiKeyStore(
  parseApiKeys([{ id: 'maps-app', sha256: hashApiKey('k-123'), rateLimitPerMinute: 1 }]),
);

class Controller {
  list() {}
  @Roles('dic', 'committee')
  decide() {}
  @Public()
  open() {}
}

function setup(anonymousPerMinute?: number) {
  const refusals: RefusalEvent[] = [];
  const guard = new AuthGuard(
    new Reflector(),
    verifier,
    apiKeys,
    new FixedWindowRateLimiter(),
    { onRefusal: (event) => void refusals.push(event) },
    anonymousPerMinute ? { anonymousPerMinute } : undefined,
  );
  const call = async (handler: keyof Controller, headers: AuthRequest['headers'] = {}, ip = '10.0.0.1') => {
    const request: AuthRequest = {
      headers,
      ip,
      method: 'POST',
      url: '/requests/42?x=1',
      routeOptions: { url: '/requests/:id' },
    };
    const sent: Record<string, string> = {};
    const response = { header: (name: string, value: string) => void (sent[name] = value) };
    const context = {
      getType: () => 'http',
      getHandler: () => Controller.prototype[handler],
      getClass: () => Controller,
      switchToHttp: () => ({ getRequest: () => request, getResponse: () => response }),
    } as unknown as ExecutionContext;
    try {
      return { allowed: await guard.canActivate(context), request, headers: sent };
    } catch (error) {
      assert.ok(error instanceof HttpException, String(error));
      return {
        status: error.getStatus(),
        body: error.getResponse() as Record<string, unknown>,
        request,
        headers: sent,
      };
    }
  };
  return { call, refusals };
}

const bearer = async (roles: ('dic' | 'provider')[], agency = 'HCM-01') => ({
  authorization: `Bearer ${await issueToken({ sub: 'an', agency, roles }, privateKey, opts)}`,
});

describe('AuthGuard', () => {
  it('attaches the principal of a valid token', async () => {
    const { call } = setup();
    const result = await call('list', await bearer(['provider']));
    assert.equal(result.allowed, true);
    assert.deepEqual(result.request.principal, {
      sub: 'an',
      agency: 'HCM-01',
      roles: ['provider'],
      via: 'token',
    });
  });

  it('refuses a request without credentials with 401 and reports it', async () => {
    const { call, refusals } = setup();
    const result = await call('list');
    assert.equal(result.status, 401);
    assert.equal(result.body?.reason, 'missing-token');
    assert.equal(result.headers['WWW-Authenticate'], 'Bearer realm="openlgsp"');
    assert.deepEqual(refusals, [
      {
        status: 401,
        reason: 'missing-token',
        detail: result.body?.detail,
        method: 'POST',
        route: '/requests/:id',
        resource: '/requests/42',
      },
    ]);
  });

  it('refuses a bad token with invalid_token and never echoes it', async () => {
    const { call, refusals } = setup();
    const valid = (await bearer(['dic'])).authorization;
    const at = valid.length - 10;
    const token = valid.slice(0, at) + (valid[at] === 'A' ? 'B' : 'A') + valid.slice(at + 1);
    const result = await call('list', { authorization: token });
    assert.equal(result.status, 401);
    assert.deepEqual(result.body, {
      title: 'Unauthorized',
      status: 401,
      detail: 'the token signature does not verify',
      reason: 'bad-signature',
    });
    assert.match(result.headers['WWW-Authenticate']!, /^Bearer realm="openlgsp", error="invalid_token"/);
    assert.ok(!JSON.stringify([result.body, result.headers, refusals]).includes(token.slice(7)));
  });

  it('refuses a missing role with 403 naming the roles', async () => {
    const { call, refusals } = setup();
    const result = await call('decide', await bearer(['provider']));
    assert.equal(result.status, 403);
    assert.equal(result.body?.detail, 'requires one of roles: dic, committee');
    assert.equal(refusals[0]?.principal?.sub, 'an');
    assert.equal((await call('decide', await bearer(['dic']))).allowed, true);
  });

  it('lets @Public() routes through, attaching a principal only when valid', async () => {
    const { call, refusals } = setup();
    const anonymous = await call('open');
    assert.equal(anonymous.allowed, true);
    assert.equal(anonymous.request.principal, undefined);
    assert.equal((await call('open', { authorization: 'Bearer nonsense' })).request.principal, undefined);
    assert.equal((await call('open', await bearer(['dic']))).request.principal?.roles[0], 'dic');
    assert.equal(refusals.length, 0);
  });

  it('accepts API keys and rate limits them per key with 429', async () => {
    const { call, refusals } = setup();
    const first = await call('list', { 'x-api-key': 'k-123' });
    assert.equal(first.allowed, true);
    assert.deepEqual(first.request.principal, {
      sub: 'maps-app',
      agency: '',
      roles: ['public-app'],
      via: 'api-key',
    });
    const second = await call('open', { 'x-api-key': 'k-123' });
    assert.equal(second.status, 429);
    assert.equal(second.body?.reason, 'rate-limited');
    assert.ok(Number(second.headers['Retry-After']) >= 1);
    assert.equal(refusals[0]?.status, 429);
    const unknown = await call('list', { 'x-api-key': 'nope' });
    assert.equal(unknown.status, 401);
    assert.equal(unknown.body?.reason, 'unknown-api-key');
  });

  it('rate limits callers without valid credentials per address, on public routes too', async () => {
    const { call, refusals } = setup(3);
    assert.equal((await call('open')).allowed, true);
    assert.equal((await call('list')).status, 401, 'anonymous: counted, then refused');
    assert.equal((await call('list', { authorization: 'Bearer x.y.z' })).status, 401, 'a bad token counts');
    const limited = await call('open');
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers['Retry-After']) >= 1);
    assert.equal(refusals.at(-1)?.reason, 'rate-limited');
    assert.equal((await call('open', {}, '10.0.0.2')).allowed, true, 'another address has its own count');
    assert.equal(
      (await call('list', await bearer(['provider']))).allowed,
      true,
      'a valid token is not counted',
    );
  });

  it('leaves non-HTTP contexts alone', async () => {
    const guard = new AuthGuard(new Reflector(), verifier, apiKeys, new FixedWindowRateLimiter());
    assert.equal(await guard.canActivate({ getType: () => 'rpc' } as unknown as ExecutionContext), true);
  });
});
