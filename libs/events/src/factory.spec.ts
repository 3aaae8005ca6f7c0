import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clockFromEnv, systemClock } from './envelope.js';
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

describe("the process's clock", () => {
  it('is the system clock when no offset is set', () => {
    assert.equal(clockFromEnv({ NODE_ENV: 'test' }), systemClock);
  });

  it('runs a week ahead with LGSP_CLOCK_OFFSET_MS under NODE_ENV=test', () => {
    const week = 7 * 86_400_000;
    const before = Date.now();
    const at = clockFromEnv({ NODE_ENV: 'test', LGSP_CLOCK_OFFSET_MS: String(week) })().getTime();
    assert.ok(at >= before + week && at <= Date.now() + week, `${at} is not a week after ${before}`);
  });

  it('refuses an offset outside tests, and one that is not an integer', () => {
    assert.throws(
      () => clockFromEnv({ NODE_ENV: 'production', LGSP_CLOCK_OFFSET_MS: '1000' }),
      /for tests only: it needs NODE_ENV=test, not 'production'/,
    );
    assert.throws(() => clockFromEnv({ LGSP_CLOCK_OFFSET_MS: '1000' }), /needs NODE_ENV=test/);
    assert.throws(() => clockFromEnv({ NODE_ENV: 'test', LGSP_CLOCK_OFFSET_MS: '1e3x' }), /integer of ms/);
  });
});
