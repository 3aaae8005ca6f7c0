import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createEvent } from '@openlgsp/events';
import { alertOrderKey } from './alert-order.rules.js';

const alert = (observables: { type: string; value: string }[], category = 'malicious-code/infected-system') =>
  createEvent(
    'vn.openlgsp.incidents.alert.raised.v1',
    { sourceRef: 'a-1', category, severity: 'medium', observables },
    { source: '/agencies/SNN/edr', agency: 'SNN' },
  );
const ip = (value: string) => ({ type: 'ip', value });

// DOMAIN.md §5: reports of one incident are deduplicated into it; parallel intake keeps them in order.
describe('the order of alerts in parallel intake', () => {
  it('puts alerts that would make one incident on one key, whatever the order or form of their indicators', () => {
    const a = alertOrderKey(alert([ip('10.0.0.1'), ip('10.0.0.2')]));
    assert.ok(a);
    assert.equal(alertOrderKey(alert([ip('10.0.0.2'), ip('10.0.0.1')])), a);
  });

  it('lets alerts about other indicators or categories go at once', () => {
    const a = alertOrderKey(alert([ip('10.0.0.1')]));
    assert.notEqual(alertOrderKey(alert([ip('10.0.0.9')])), a);
    assert.notEqual(alertOrderKey(alert([ip('10.0.0.1')], 'malicious-code/c2-server')), a);
  });

  it('leaves other events and malformed alerts to the default order (their subject)', () => {
    assert.equal(alertOrderKey({ ...alert([ip('10.0.0.1')]), type: 'vn.openlgsp.other.v1' }), undefined);
    assert.equal(alertOrderKey({ ...alert([ip('10.0.0.1')]), data: { category: 'x' } }), undefined);
    assert.equal(alertOrderKey(alert([{ type: 'ip', value: 'not an address' }])), undefined);
  });
});
