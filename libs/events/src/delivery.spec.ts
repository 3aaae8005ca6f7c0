import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { toNatsMessage } from './binding.js';
import { processedKey } from './consumer.js';
import { checkDelivery, type ArrivedMessage, type DeliveryRules } from './delivery.js';
import { msgIdFor } from './publisher.js';
import { createEvent, type LgspEvent } from './envelope.js';
import { example } from '../test/support.js';

const REPORTED = 'vn.openlgsp.catalogue.data-error.reported.v1';
const WITHDRAWN = 'vn.openlgsp.catalogue.entry.withdrawn.v1';
const reportedOn = (agency: string) => `lgsp.intake.${agency}.catalogue.data-error.reported`;

function intakeEvent(agency: string, data: unknown = example('data-error.reported')): LgspEvent {
  return createEvent(REPORTED, data, { source: `/agencies/${agency}/system`, agency, actor: 'key-1' });
}

function domainEvent(): LgspEvent {
  return createEvent(WITHDRAWN, example('entry.withdrawn'), {
    source: '/openlgsp/catalogue',
    agency: 'STTTT',
    actor: 'dic-officer',
  });
}

function arrived(event: LgspEvent, subject: string): ArrivedMessage {
  const { headers, body } = toNatsMessage(event);
  return { subject, headers, data: body };
}

const intake: DeliveryRules = {
  consumer: 'test-intake',
  handles: (t) => t === REPORTED,
  unhandled: 'reject',
};
const feed: DeliveryRules = { consumer: 'test-feed', handles: (t) => t === WITHDRAWN, unhandled: 'skip' };
const codes = (v: ReturnType<typeof checkDelivery>) =>
  v.kind === 'refuse' ? v.reasons.map((r) => [r.code, r.path]) : v.kind;

describe('the delivery checks', () => {
  it('hand a valid intake event over, with the agency of the subject it came on', () => {
    const event = intakeEvent('so-tp');
    const verdict = checkDelivery(arrived(event, reportedOn('so-tp')), intake);
    assert.deepEqual(verdict, { kind: 'deliver', event, intakeAgency: 'so-tp' });
  });

  it('hand a valid domain fact over, with no intake agency', () => {
    const event = domainEvent();
    const verdict = checkDelivery(arrived(event, 'lgsp.catalogue.entry.withdrawn'), feed);
    assert.deepEqual(verdict, { kind: 'deliver', event });
  });

  it('refuse what is not a CloudEvent, told to the agency whose subject it came on', () => {
    const verdict = checkDelivery(
      { subject: reportedOn('so-raw'), data: new TextEncoder().encode('hello') },
      intake,
    );
    assert.equal(verdict.kind, 'refuse');
    assert.equal(verdict.kind === 'refuse' && verdict.agency, 'so-raw');
    assert.equal(verdict.kind === 'refuse' && verdict.event, undefined);
    assert.deepEqual(
      [...new Set(verdict.kind === 'refuse' ? verdict.reasons.map((r) => r.code) : [])].sort(),
      ['malformed-data', 'missing-attribute'],
    );
  });

  it('name a refused body that is not JSON by the id, type and source its headers claim', () => {
    const { headers } = toNatsMessage(intakeEvent('so-raw'));
    const verdict = checkDelivery(
      { subject: reportedOn('so-raw'), headers, data: new TextEncoder().encode('{not json') },
      intake,
    );
    assert.equal(verdict.kind, 'refuse');
    assert.deepEqual(verdict.kind === 'refuse' && verdict.claimed, {
      id: headers.get('ce-id'),
      type: REPORTED,
      source: '/agencies/so-raw/system',
    });
    assert.deepEqual(verdict.kind === 'refuse' && verdict.reasons.map((r) => r.code), ['malformed-data']);
  });

  it('bound what a refused message claims and drop its control and direction characters', () => {
    const headers = natsHeaders();
    headers.set('ce-id', `evil\u202e\u0007id${'x'.repeat(1_000)}`);
    headers.set('ce-source', '\u2066');
    const verdict = checkDelivery(
      { subject: reportedOn('so-raw'), headers, data: new TextEncoder().encode('hello') },
      intake,
    );
    const claimed = verdict.kind === 'refuse' ? verdict.claimed : undefined;
    assert.equal(claimed?.id, `evilid${'x'.repeat(250)}`);
    assert.equal(claimed?.id.length, 256);
    assert.equal(claimed?.source, undefined, 'nothing printable was claimed');
  });

  it('refuse an intake type the service does not handle, and skip it on a domain feed', () => {
    const changed = createEvent('vn.openlgsp.catalogue.service.changed.v1', example('service.changed'), {
      source: '/agencies/so-tp/system',
      agency: 'so-tp',
    });
    const subject = 'lgsp.intake.so-tp.catalogue.service.changed';
    assert.deepEqual(codes(checkDelivery(arrived(changed, subject), intake)), [['unknown-type', '/type']]);
    assert.equal(checkDelivery(arrived(changed, subject), { ...intake, unhandled: 'skip' }).kind, 'skip');
  });

  it('refuse a domain fact smuggled onto an intake subject', () => {
    const smuggled = createEvent(WITHDRAWN, example('entry.withdrawn'), {
      source: '/agencies/so-tp/system',
      agency: 'so-tp',
    });
    const rules = { ...intake, handles: () => true };
    const verdict = checkDelivery(arrived(smuggled, 'lgsp.intake.so-tp.catalogue.entry.withdrawn'), rules);
    assert.deepEqual(codes(verdict), [['wrong-subject', '/type']]);
    assert.equal(verdict.kind === 'refuse' && verdict.agency, 'so-tp');
  });

  it('refuse an event that names another agency than the one whose credentials published it', () => {
    const forged = intakeEvent('so-tp');
    const verdict = checkDelivery(arrived(forged, reportedOn('so-xd')), intake);
    assert.deepEqual(codes(verdict), [
      ['foreign-source', '/source'],
      ['forged-agency', '/agency'],
    ]);
    assert.equal(verdict.kind === 'refuse' && verdict.agency, 'so-xd', 'the publisher hears of it');
  });

  it('take the agency of an intake event without the agency extension from its subject', () => {
    const { agency: _agency, ...unnamed } = intakeEvent('so-tp');
    const verdict = checkDelivery(arrived(unnamed as LgspEvent, reportedOn('so-tp')), intake);
    assert.equal(verdict.kind, 'deliver');
    assert.equal(verdict.kind === 'deliver' && verdict.event.agency, 'so-tp');
    assert.equal(verdict.kind === 'deliver' && verdict.intakeAgency, 'so-tp');
  });

  it('refuse an envelope and data that break the contract, pointing at each member', () => {
    const broken = {
      ...intakeEvent('so-tp', { entryId: 'not-a-uuid', field: 'area', colour: 'blue' }),
      id: '1',
    };
    const verdict = checkDelivery(arrived(broken, reportedOn('so-tp')), intake);
    assert.equal(verdict.kind, 'refuse');
    const paths = verdict.kind === 'refuse' ? verdict.reasons.map((r) => `${r.code} ${r.path}`).sort() : [];
    assert.deepEqual(
      [...new Set(paths)],
      ['envelope /id', 'schema /data/colour', 'schema /data/description', 'schema /data/entryId'],
    );
  });
});

describe('the identity an intake event is deduplicated under', () => {
  it('includes the agency of the channel, so two agencies with one event id are two events', () => {
    const event = intakeEvent('so-tp');
    assert.notEqual(processedKey(event, 'so-tp'), processedKey(event, 'so-xd'));
    const fact = domainEvent();
    assert.equal(processedKey(fact), `/openlgsp/catalogue ${fact.id}`, 'domain facts: (source, id)');
    // JetStream's ids are per stream, where any agency could take one first: intake carries none.
    assert.equal(msgIdFor(reportedOn('so-tp'), event.id), undefined);
    assert.equal(
      msgIdFor('lgsp.catalogue.entry.withdrawn', event.id),
      event.id,
      'domain facts keep the event id',
    );
  });
});
