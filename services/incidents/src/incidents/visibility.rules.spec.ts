import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Actor } from '../common/actor.js';
import {
  alert,
  auditor,
  colleague,
  config,
  dic,
  ID,
  now,
  officer,
  otherAgency,
  police,
  siem,
} from './fixtures.js';
import type { IncidentState } from './incident.model.js';
import { report } from './incident.rules.js';
import { incidentListFilter, viewOf } from './visibility.rules.js';

const RED = '198.51.100.23';
const AMBER = '203.0.113.7';
const byOfficer = (): IncidentState => {
  const r = report(
    ID,
    alert({ door: 'agency-officer', source: undefined, sourceRef: undefined }),
    officer,
    now,
    config,
  );
  assert.ok(r.ok);
  return r.value.next;
};
const values = (i: IncidentState, viewer: Actor) => viewOf(i, viewer)?.observables.map((o) => o.value);

describe('who sees an incident', () => {
  it('keeps the fingerprint from anyone who does not see every observable (a RED one could be guessed from it)', () => {
    const i = byOfficer();
    assert.equal(viewOf(i, dic)?.fingerprint, i.fingerprint);
    assert.equal(viewOf(i, colleague)?.fingerprint, undefined);
    const noRed = { ...i, observables: i.observables.filter((o) => o.tlp !== 'RED') };
    assert.equal(viewOf(noRed, colleague)?.fingerprint, i.fingerprint);
  });

  it('shows DIC responders and the reporter everything, TLP:RED included', () => {
    const i = byOfficer();
    assert.deepEqual(values(i, dic), [AMBER, RED, 'bad.example.net']);
    assert.deepEqual(values(i, officer), [AMBER, RED, 'bad.example.net']);
  });

  it('shows the rest of the agency AMBER but not RED, and says one is withheld', () => {
    const view = viewOf(byOfficer(), colleague);
    assert.deepEqual(
      view?.observables.map((o) => o.value),
      [AMBER, 'bad.example.net'],
    );
    assert.equal(view?.withheldObservables, 1);
  });

  it('never lets TLP:RED appear in another agency’s view, nor in anyone’s but DIC’s and the reporter’s', () => {
    const i = { ...byOfficer(), referredToPolice: true };
    assert.equal(viewOf(i, otherAgency), null);
    for (const viewer of [otherAgency, colleague, police, auditor, siem])
      assert.ok(
        !JSON.stringify(viewOf(i, viewer) ?? {}).includes(RED),
        `${viewer.sub} saw the RED observable`,
      );
    assert.ok(JSON.stringify(viewOf(i, dic)).includes(RED));
  });

  it('lets the police read incidents marked for them only, without AMBER', () => {
    assert.equal(viewOf(byOfficer(), police), null);
    assert.deepEqual(values({ ...byOfficer(), referredToPolice: true }, police), ['bad.example.net']);
  });

  it('filters lists: own agency, everything for DIC and auditors, marked ones for the police, nothing for an app', () => {
    assert.deepEqual(incidentListFilter(officer), { agency: 'so-nnmt' });
    assert.deepEqual(incidentListFilter(dic), {});
    assert.deepEqual(incidentListFilter(auditor), {});
    assert.deepEqual(incidentListFilter(police), { referredToPolice: true });
    assert.deepEqual(incidentListFilter({ sub: 'x', agency: 'ca-tinh', roles: ['police', 'provider'] }), {
      $or: [{ agency: 'ca-tinh' }, { referredToPolice: true }],
    });
    assert.equal(incidentListFilter({ sub: 'app', agency: '', roles: ['public-app'] }), null);
  });
});
