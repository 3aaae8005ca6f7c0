import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventFactory, intakeActor } from './factory.js';

describe('who acted', () => {
  it('takes the user an intake event names, as a system of the agency that published it', () => {
    assert.deepEqual(intakeActor({ actor: 'sxd-clerk' }, { agency: 'SXD' }), {
      sub: 'sxd-clerk',
      agency: 'SXD',
      roles: ['integrator'],
    });
  });

  it("names the agency's system when the event names no user", () => {
    assert.equal(intakeActor({}, { agency: 'SXD' }).sub, 'system:SXD');
  });

  it('refuses an event that did not come through intake', () => {
    assert.throws(() => intakeActor({ actor: 'x' }, {}), /not an intake event/);
  });

  it('puts the actor into the envelope as the agency and actor extensions', () => {
    const events = new EventFactory('/openlgsp/catalogue', () => new Date('2026-03-02T03:00:00Z'));
    const fact = { type: 'vn.openlgsp.catalogue.entry.withdrawn.v1', data: { entryId: 'e1' } };
    const event = events.create(fact, 'e1', { sub: 'lan', agency: 'STNMT', roles: ['provider'] });
    assert.equal(event.agency, 'STNMT');
    assert.equal(event.actor, 'lan');
    assert.equal(event.subject, 'e1');
    const platform = events.create(fact, 'e1');
    assert.equal('agency' in platform, false, 'a step of the platform itself names no agency');
  });
});
