import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ForbiddenException } from '@nestjs/common';
import { actsFor, hasRole, isCoordinator, type Principal } from './principal.js';
import { assertActsFor } from './scope.js';

const officer: Principal = { sub: 'an', agency: 'HCM-01', roles: ['provider'], via: 'token' };
const dic: Principal = { sub: 'binh', agency: 'SOKHCN', roles: ['dic'], via: 'token' };
const app: Principal = { sub: 'maps-app', agency: '', roles: ['public-app'], via: 'api-key' };

describe('agency scope', () => {
  it('lets an agency act on its own entries and DIC on anyone’s', () => {
    assert.doesNotThrow(() => assertActsFor(officer, 'HCM-01', 'entries'));
    assert.doesNotThrow(() => assertActsFor(dic, 'DN-02', 'entries'));
    assert.equal(actsFor(officer, 'HCM-01'), true);
    assert.equal(actsFor(dic, 'HCM-01'), true);
  });

  it('refuses another agency with a reason naming both agencies', () => {
    assert.equal(actsFor(officer, 'DN-02'), false);
    assert.throws(
      () => assertActsFor(officer, 'DN-02', 'entries'),
      (error: unknown) => {
        assert.ok(error instanceof ForbiddenException);
        assert.equal(error.message, 'agency HCM-01 may not act on entries owned by DN-02');
        assert.equal(error.errorCode, 'agency-scope');
        assert.equal(error.getStatus(), 403);
        assert.deepEqual(error.getResponse(), {
          title: 'Forbidden',
          status: 403,
          detail: 'agency HCM-01 may not act on entries owned by DN-02',
          reason: 'agency-scope',
        });
        return true;
      },
    );
  });

  it('never matches a principal without an agency', () => {
    assert.equal(actsFor(app, ''), false);
    assert.throws(
      () => assertActsFor(app, 'DN-02', 'datasets'),
      /maps-app \(no agency\) may not act on datasets owned by DN-02/,
    );
  });

  it('checks roles', () => {
    assert.equal(hasRole(officer, 'consumer', 'provider'), true);
    assert.equal(hasRole(officer, 'dic'), false);
    assert.equal(isCoordinator(dic), true);
    assert.equal(isCoordinator(officer), false);
  });
});
