import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createEvent } from '@openlgsp/events';
import { ENTRY_ID, MONDAY, SERVICE_ID, issuedGrant, landEntry, parcelService } from '../../test/fixtures.js';
import { catalogueViewChange } from '../catalogue-view/catalogue-view.rules.js';
import { AccessView } from './access-view.js';
import { answerAccess } from './grant.rules.js';

const LATER = new Date(MONDAY.getTime() + 60_000);
const question = { holderAgency: 'SXD', entryId: ENTRY_ID, serviceId: SERVICE_ID, fields: ['parcelId'] };

/** A view holding the land entry, its parcel service and SXD's grant on it. */
function loaded(): AccessView {
  const view = new AccessView(MONDAY);
  view.applyCatalogue({ kind: 'put-entry', view: landEntry() }, MONDAY);
  view.applyCatalogue({ kind: 'put-service', view: parcelService() }, MONDAY);
  view.recordGrant(issuedGrant({ serviceId: SERVICE_ID }), MONDAY);
  return view;
}

const answer = (view: AccessView) => answerAccess(question, view.facts(question), LATER);

const catalogueFact = (type: string, data: unknown) =>
  createEvent(`vn.openlgsp.catalogue.${type}.v1`, data, { source: '/openlgsp/catalogue' });

// The access check answers from memory what the stored view would answer (DOMAIN.md §2: the provider
// may suspend or terminate a connection, Decree 47 Điều 43–44; planned suspensions, Điều 43).
describe('the access view', () => {
  it('answers from the grants and catalogue it holds', () => {
    assert.equal(answer(loaded()).allowed, true);
    assert.equal(answer(new AccessView()).reasons[0]?.code, 'unknown-entry');
  });

  it('takes a newer grant revision and ignores an older one arriving late (a revocation stays revoked)', () => {
    const view = loaded();
    const grant = issuedGrant({ serviceId: SERVICE_ID });
    const suspended = { ...grant, revision: grant.revision + 1, status: 'suspended' as const };
    view.recordGrant(suspended, LATER);
    assert.equal(answer(view).reasons[0]?.code, 'grant-suspended');
    view.recordGrant(grant, LATER);
    assert.equal(answer(view).reasons[0]?.code, 'grant-suspended', 'the older revision changed nothing');
  });

  it('keeps the newest entry version, and an amendment never brings back a withdrawn entry', () => {
    const view = loaded();
    const withdrawn = catalogueViewChange(catalogueFact('entry.withdrawn', { entryId: ENTRY_ID }), null)!;
    view.applyCatalogue(withdrawn, LATER);
    assert.equal(answer(view).reasons[0]?.code, 'entry-withdrawn');
    const content = { name: 'Đất đai', ownerAgency: 'STNMT', sharingMode: 'request', dataFields: [] };
    const amended = catalogueFact('entry.amended', { entryId: ENTRY_ID, version: 2, content });
    view.applyCatalogue(catalogueViewChange(amended, view.entry(ENTRY_ID))!, LATER);
    assert.equal(view.entry(ENTRY_ID)?.version, 2);
    assert.equal(answer(view).reasons[0]?.code, 'entry-withdrawn');
    view.applyCatalogue({ kind: 'put-entry', view: landEntry({ version: 1 }) }, LATER);
    assert.equal(view.entry(ENTRY_ID)?.version, 2, 'an older version changes nothing');
  });

  it("follows the service's status and planned suspensions", () => {
    const view = loaded();
    const suspended = catalogueFact('service.suspended', { serviceId: SERVICE_ID });
    view.applyCatalogue(catalogueViewChange(suspended, null)!, LATER);
    assert.equal(answer(view).reasons[0]?.code, 'service-suspended');
    const resumed = catalogueFact('service.resumed', { serviceId: SERVICE_ID });
    view.applyCatalogue(catalogueViewChange(resumed, null)!, LATER);
    assert.equal(answer(view).allowed, true);
    view.setPlannedSuspension(SERVICE_ID, true, LATER);
    assert.equal(answer(view).reasons[0]?.code, 'service-planned-suspension');
    view.replacePlannedSuspensions([], LATER);
    assert.equal(answer(view).allowed, true);
  });

  it('says how fresh it is: the stream positions applied, never going back, and when it last changed', () => {
    const view = loaded();
    view.advance('sharing', 7);
    view.advance('sharing', 5);
    view.advance('catalogue', 3);
    assert.deepEqual(view.freshness(), {
      catalogueSeq: 3,
      sharingSeq: 7,
      changedAt: MONDAY.toISOString(),
    });
    view.setPlannedSuspension(SERVICE_ID, true, LATER);
    assert.equal(view.freshness().changedAt, LATER.toISOString());
  });
});
