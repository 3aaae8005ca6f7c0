import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  NOW as now,
  dic,
  listedEntry,
  owner,
  ownerSystem,
  proposedEntry,
  stranger,
  value,
  violation,
} from '../../test/fixtures.js';
import type { ServiceDescription, SharingServiceState } from './sharing-service.model.js';
import { checkEndpoint, declare, resume, retire, suspend, update } from './sharing-service.rules.js';

const parcelLookup: ServiceDescription = {
  name: 'Tra cứu thửa đất',
  protocol: 'rest',
  endpoint: 'https://api.stnmt.example.vn/parcels',
  version: '1.0',
};
const later = new Date('2026-03-05T03:00:00Z');

function declared(): SharingServiceState {
  return value(declare(listedEntry(), { serviceId: 's1', ...parcelLookup }, owner, now)).next;
}
function suspended(): SharingServiceState {
  return value(suspend(declared(), { reason: 'bảo trì' }, owner, now)).next;
}

describe('the endpoint of a sharing service', () => {
  it('uses a scheme that fits the protocol', () => {
    assert.equal(checkEndpoint({ protocol: 'sftp', endpoint: 'sftp://files.example.vn/out' }).ok, true);
    assert.equal(
      violation(checkEndpoint({ protocol: 'sftp', endpoint: 'https://x.example.vn' })).code,
      'bad-endpoint',
    );
    assert.equal(violation(checkEndpoint({ protocol: 'rest', endpoint: 'not a url' })).path, '/endpoint');
  });

  it('never carries credentials', () => {
    assert.equal(
      violation(checkEndpoint({ protocol: 'rest', endpoint: 'https://user:secret@api.example.vn' })).code,
      'credentials-in-endpoint',
    );
  });
});

describe('declaring a sharing service (004 Điều 5)', () => {
  it('registers an active service of the entry’s owner, in a declared event', () => {
    const change = value(declare(listedEntry(), { serviceId: 's1', ...parcelLookup }, owner, now));
    assert.equal(change.next.status, 'active');
    assert.equal(change.next.providerAgency, 'STNMT');
    assert.deepEqual(change.facts, [
      {
        type: 'vn.openlgsp.catalogue.service.declared.v1',
        data: { serviceId: 's1', entryId: 'e1', providerAgency: 'STNMT', ...parcelLookup, status: 'active' },
      },
    ]);
  });

  it("lets the owner's officers and systems declare, no other agency", () => {
    assert.equal(declare(listedEntry(), { serviceId: 's1', ...parcelLookup }, ownerSystem, now).ok, true);
    assert.equal(
      violation(declare(listedEntry(), { serviceId: 's1', ...parcelLookup }, stranger, now)).code,
      'not-owner',
    );
  });

  it('declares services for listed entries only', () => {
    assert.equal(
      violation(declare(proposedEntry(), { serviceId: 's1', ...parcelLookup }, owner, now)).code,
      'not-listed',
    );
  });
});

describe('changing a sharing service (000 Điều 5.7)', () => {
  it('announces a real change in an updated event', () => {
    const change = value(update(declared(), { version: '1.1' }, owner, later));
    assert.equal(change.next.version, '1.1');
    assert.equal(change.next.updatedAt, later);
    assert.deepEqual(
      change.facts.map((f) => f.type),
      ['vn.openlgsp.catalogue.service.updated.v1'],
    );
  });

  it('establishes nothing when nothing changes', () => {
    const service = declared();
    const change = value(update(service, { version: '1.0', name: undefined }, owner, later));
    assert.deepEqual(change.facts, []);
    assert.equal(change.next, service);
  });

  it('checks the merged endpoint against the protocol', () => {
    assert.equal(violation(update(declared(), { protocol: 'nats' }, owner, later)).code, 'bad-endpoint');
  });

  it('lets only the provider change it, and nobody a retired one', () => {
    assert.equal(violation(update(declared(), { version: '2' }, dic, later)).code, 'not-owner');
    const retired = value(retire(declared(), 'ngừng', owner, later)).next;
    assert.equal(violation(update(retired, { version: '2' }, owner, later)).code, 'retired');
  });
});

describe('suspending, resuming and retiring a sharing service', () => {
  it('suspends an active service until a future time, and resumes it', () => {
    const until = new Date('2026-03-10T00:00:00Z');
    const change = value(suspend(declared(), { reason: 'bảo trì', until }, dic, now));
    assert.equal(change.next.status, 'suspended');
    assert.deepEqual(change.facts[0]?.data, {
      serviceId: 's1',
      entryId: 'e1',
      reason: 'bảo trì',
      until: until.toISOString(),
    });
    const resumed = value(resume(change.next, owner, later));
    assert.equal(resumed.next.status, 'active');
    assert.equal(resumed.next.suspension, null);
  });

  it('refuses a suspension that ends in the past, or of a service that is not active', () => {
    assert.equal(
      violation(suspend(declared(), { reason: 'x', until: now }, owner, now)).code,
      'until-in-past',
    );
    assert.equal(violation(suspend(suspended(), { reason: 'x' }, owner, now)).code, 'not-active');
    assert.equal(violation(resume(declared(), owner, now)).code, 'not-suspended');
  });

  it('lets the provider or DIC suspend, resume and retire, no other agency', () => {
    assert.equal(violation(suspend(declared(), { reason: 'x' }, stranger, now)).code, 'not-owner');
    assert.equal(violation(resume(suspended(), stranger, now)).code, 'not-owner');
    assert.equal(violation(retire(declared(), 'x', stranger, now)).code, 'not-owner');
    assert.equal(retire(declared(), 'x', dic, now).ok, true);
  });

  it('retires once, also by the platform itself when the entry leaves the catalogue', () => {
    const retired = value(retire(suspended(), 'entry withdrawn', undefined, later));
    assert.equal(retired.next.status, 'retired');
    assert.equal(retired.next.suspension, null, 'a retired service is no longer suspended');
    assert.equal(retired.next.retiredReason, 'entry withdrawn');
    assert.equal(violation(retire(retired.next, 'again', undefined, later)).code, 'retired');
  });
});
