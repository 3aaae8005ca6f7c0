import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  actsAsConsumerOf,
  actsAsProviderOf,
  hasRole,
  isCoordinator,
  seesEverything,
  type Principal,
} from './principal.js';

const officer: Principal = { sub: 'an', agency: 'HCM-01', roles: ['provider'], via: 'token' };
const system: Principal = { sub: 'hcm-sync', agency: 'HCM-01', roles: ['integrator'], via: 'api-key' };
const buyer: Principal = { sub: 'binh', agency: 'HCM-01', roles: ['consumer'], via: 'token' };
const dic: Principal = { sub: 'chi', agency: 'SOKHCN', roles: ['dic'], via: 'token' };

describe('roles', () => {
  it('says whether a caller holds any of the roles asked for', () => {
    assert.equal(hasRole(officer, 'consumer', 'provider'), true);
    assert.equal(hasRole(officer, 'dic'), false);
    assert.equal(isCoordinator(dic), true);
    assert.equal(isCoordinator(officer), false);
  });

  it('lets DIC and auditors see every agency’s records, and no agency officer', () => {
    assert.equal(seesEverything(dic), true);
    assert.equal(seesEverything({ roles: ['auditor'] }), true);
    assert.equal(seesEverything(officer), false);
    assert.equal(seesEverything({ roles: ['committee'] }), false);
  });
});

describe('the sides an actor takes for an agency', () => {
  it('takes the provider side of its own agency, through its officers or its systems', () => {
    assert.equal(actsAsProviderOf(officer, 'HCM-01'), true);
    assert.equal(actsAsProviderOf(system, 'HCM-01'), true);
    assert.equal(actsAsProviderOf(buyer, 'HCM-01'), false, 'a consumer officer is not the provider side');
  });

  it("never takes another agency's side, not even DIC", () => {
    assert.equal(actsAsProviderOf(officer, 'DN-02'), false);
    assert.equal(actsAsProviderOf(dic, 'HCM-01'), false, 'DIC coordinates; it does not act as a provider');
    assert.equal(actsAsConsumerOf(buyer, 'DN-02'), false);
  });

  it('takes the consumer side through its consumer officers or its systems', () => {
    assert.equal(actsAsConsumerOf(buyer, 'HCM-01'), true);
    assert.equal(actsAsConsumerOf(system, 'HCM-01'), true);
    assert.equal(actsAsConsumerOf(officer, 'HCM-01'), false);
  });

  it('never matches an actor that belongs to no agency', () => {
    const app = { sub: 'maps-app', agency: '', roles: ['integrator'] };
    assert.equal(actsAsProviderOf(app, 'HCM-01'), false);
  });
});
