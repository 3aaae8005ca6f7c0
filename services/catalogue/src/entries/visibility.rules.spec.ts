import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  auditor,
  committee,
  dic,
  listedEntry as listed,
  owner,
  proposedEntry as proposed,
  stranger,
} from '../../test/fixtures.js';
import { canSee, visibleTo } from './visibility.rules.js';

describe('who sees catalogue entries', () => {
  it('shows unlisted entries only to their owner and the overseers', () => {
    const entry = proposed();
    assert.equal(canSee(entry, stranger), false);
    assert.equal(canSee(entry, undefined), false);
    assert.equal(canSee(entry, owner), true);
    for (const overseer of [dic, committee, auditor])
      assert.equal(canSee(entry, overseer), true, `${overseer.roles[0]} oversees the whole catalogue`);
  });

  it('shows listed entries to everyone, even without a token', () => {
    assert.equal(canSee(listed(), undefined), true);
    assert.equal(canSee(listed(), stranger), true);
  });

  it('searches as it shows: everything for overseers, listed or own entries for an agency, listed ones for the public', () => {
    assert.deepEqual(visibleTo(dic), {});
    assert.deepEqual(visibleTo(committee), {});
    assert.deepEqual(visibleTo(owner), { $or: [{ status: 'listed' }, { ownerAgency: 'STNMT' }] });
    assert.deepEqual(visibleTo(undefined), { status: 'listed' });
    assert.deepEqual(visibleTo({ sub: 'maps-app', agency: '', roles: ['public-app'] }), { status: 'listed' });
  });
});
