import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { accessData, isAuditedCall, refusalWindowOptionsFromEnv } from './access.js';

describe('access events', () => {
  it('audits state-changing calls and refusals, not successful reads', () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) assert.equal(isAuditedCall(method, 200), true);
    assert.equal(isAuditedCall('GET', 200), false);
    assert.equal(isAuditedCall('GET', 404), false);
    assert.equal(isAuditedCall('GET', 401), true);
    assert.equal(isAuditedCall('GET', 403), true);
  });

  it('says who called, which route and resource, and the outcome, and nothing else', () => {
    const data = accessData('catalogue', {
      method: 'POST',
      route: '/catalogue/entries/:id/withdrawal',
      params: { id: 'e-1', 'bad key': 'x', nested: { a: 1 } },
      status: 204,
      principal: { sub: 'stnmt-officer', agency: 'STNMT', roles: ['provider'], via: 'token' },
      trace: {},
      durationMs: 3.14159,
      at: new Date('2025-01-01T00:00:00Z'),
    });
    assert.deepEqual(data, {
      service: 'catalogue',
      method: 'POST',
      route: '/catalogue/entries/:id/withdrawal',
      resourceIds: { id: 'e-1' },
      status: 204,
      caller: { anonymous: false, sub: 'stnmt-officer', agency: 'STNMT', roles: ['provider'], via: 'token' },
      durationMs: 3.142,
      at: '2025-01-01T00:00:00.000Z',
    });
  });

  it('reports an unauthenticated caller as anonymous', () => {
    const data = accessData('audit', {
      method: 'GET',
      route: '',
      params: {},
      status: 401,
      trace: {},
      durationMs: 1,
      at: new Date(0),
    });
    assert.deepEqual(data.caller, { anonymous: true });
    assert.equal(data.route, 'unmatched');
    assert.equal('resourceIds' in data, false);
  });

  it('names an anonymous caller by address, and a count of identical refusals with its period', () => {
    const data = accessData('catalogue', {
      method: 'POST',
      route: '/catalogue/agencies',
      params: {},
      status: 401,
      trace: {},
      durationMs: 1,
      at: new Date('2025-01-01T00:00:09Z'),
      address: '10.0.0.1',
      count: 42,
      since: new Date('2025-01-01T00:00:00Z'),
    });
    assert.deepEqual(data.caller, { anonymous: true, address: '10.0.0.1' });
    assert.equal(data.count, 42);
    assert.equal(data.since, '2025-01-01T00:00:00.000Z');
    assert.equal(data.at, '2025-01-01T00:00:09.000Z');
  });

  it('reads the refusal window from the environment, refusing nonsense', () => {
    assert.deepEqual(refusalWindowOptionsFromEnv({}), { windowMs: 10_000, alone: 5, maxSources: 10_000 });
    assert.deepEqual(
      refusalWindowOptionsFromEnv({ ACCESS_REFUSAL_WINDOW_MS: '2000', ACCESS_REFUSALS_ALONE: '0' }),
      { windowMs: 2_000, alone: 0, maxSources: 10_000 },
    );
    assert.throws(
      () => refusalWindowOptionsFromEnv({ ACCESS_REFUSAL_WINDOW_MS: 'soon' }),
      /ACCESS_REFUSAL_WINDOW_MS/,
    );
  });
});
