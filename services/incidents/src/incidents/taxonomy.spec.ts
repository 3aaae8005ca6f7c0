import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { INCIDENT_CATEGORIES, isIncidentCategory, NETWORK_OUTAGE } from './taxonomy.js';

describe('the ENISA taxonomy', () => {
  it('files a network outage under Availability / outage', () => {
    assert.equal(NETWORK_OUTAGE, 'availability/outage');
    assert.equal(INCIDENT_CATEGORIES[NETWORK_OUTAGE].class, 'Availability');
  });

  it('knows its categories and nothing else', () => {
    assert.equal(isIncidentCategory('fraud/phishing'), true);
    assert.equal(isIncidentCategory('fraud/unknown'), false);
    assert.equal(isIncidentCategory('toString'), false);
    for (const slug of Object.keys(INCIDENT_CATEGORIES)) assert.match(slug, /^[a-z-]+\/[a-z0-9-]+$/);
  });
});
