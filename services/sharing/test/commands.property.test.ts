import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createEvent, toNatsMessage } from '@openlgsp/events';
import {
  describeCommandProperties,
  manualClock,
  serviceSuite,
  type CommandEndpoint,
  type HttpAnswer,
} from '@openlgsp/http/testing';
import { listEntryWithService } from './catalogue-feed.js';
import { requestBody, startSharing } from './service.js';

/**
 * Every mutating endpoint of the sharing service, with bodies generated from its command schema
 * (contracts/commands/sharing), against the real service and engines; catalogue facts arrive as
 * catalogue events, as in sharing.test.ts.
 */
let shared: { entryId: string; serviceId: string };
const START = new Date('2026-12-07T09:00:00+07:00'); // a Monday
const DAY = 86_400_000;
const clock = manualClock(START);
const { sut, tokens, watch } = serviceSuite(() => startSharing(clock), {
  tokens: { owner: ['STNMT', ['provider']], consumer: ['SXD', ['consumer']], dic: ['STTTT', ['dic']] },
  watch: 'SHARING',
  ready: async () => {
    shared = await listed();
  },
});

function expectStatus(answer: HttpAnswer, status: number) {
  assert.equal(answer.status, status, JSON.stringify(answer.body));
  return answer.body as Record<string, string>;
}

const call = (method: string, path: string, token: string, body?: unknown) =>
  sut.request(method, path, { token, body });

const REQUESTED = requestBody('').fields;
/** An entry and service the sharing service has heard of (its view fills from catalogue events). */
async function listed() {
  const ids = await listEntryWithService(sut.js, 'STNMT');
  for (let i = 0; ; i++) {
    const answer = await call('POST', '/sharing/requests', tokens.consumer, requestBody(ids.entryId));
    if (answer.status !== 404) return expectStatus(answer, 201) && ids;
    if (i > 200) throw new Error(`entry ${ids.entryId} never reached the sharing service's view`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function submitted(entryId = shared.entryId) {
  return expectStatus(await call('POST', '/sharing/requests', tokens.consumer, requestBody(entryId)), 201)
    .requestId!;
}

async function refused() {
  const requestId = await submitted();
  const body = { reasons: 'Không đủ căn cứ', legalBasis: [{ instrument: 'Nghị định 47/2020/NĐ-CP' }] };
  expectStatus(await call('POST', `/sharing/requests/${requestId}/refusal`, tokens.owner, body), 204);
  return requestId;
}

async function openDispute() {
  const requestId = await refused();
  const body = { requestId, statement: 'Yêu cầu đủ căn cứ pháp lý' };
  return expectStatus(await call('POST', '/sharing/disputes', tokens.consumer, body), 201).disputeId!;
}

/** An active grant, once issued (the grants module issues it on hearing of the approval). */
async function grant() {
  const requestId = await submitted();
  const from = watch.events.length;
  const answer = await call('POST', `/sharing/requests/${requestId}/approval`, tokens.owner, {});
  const { grantId } = expectStatus(answer, 200);
  await watch.next((e) => e.subject === grantId && e.type === 'vn.openlgsp.sharing.grant.issued.v1', from);
  return grantId!;
}

async function demand() {
  const grantId = await grant();
  const body = { grantId, reason: 'Nghi ngờ sử dụng sai mục đích' };
  return expectStatus(await call('POST', '/sharing/usage-report-demands', tokens.owner, body), 201).demandId!;
}

const at = (from: number, to: number) =>
  fc.integer({ min: from, max: to }).map((days) => new Date(START.getTime() + days * DAY).toISOString());
/** A validity inside the requested period (Dec 2026 – Dec 2027), sometimes inverted: the rules judge that. */
const validity = fc.option(fc.record({ from: at(-5, 100), until: at(101, 350) }), { nil: undefined });
const grantedFields = fc.option(fc.subarray(REQUESTED, { minLength: 1 }), { nil: undefined });

const endpoints: CommandEndpoint[] = [
  {
    command: 'sharing.request.submit',
    method: 'POST',
    token: () => tokens.consumer,
    target: async () => ({ path: '/sharing/requests' }),
    subjectFrom: (a) => a.requestId!,
    overrides: () => ({
      '/entryId': fc.constant(shared.entryId),
      '/serviceId': fc.constantFrom(undefined, shared.serviceId),
      '/fields': fc.subarray(['parcelId', 'area', 'ownerName'], { minLength: 1 }),
      '/period': fc.record({ from: at(-10, 30), until: at(31, 700) }),
    }),
  },
  {
    command: 'sharing.request.approve',
    method: 'POST',
    token: () => tokens.owner,
    target: async () => {
      const requestId = await submitted();
      return { path: `/sharing/requests/${requestId}/approval`, subject: requestId };
    },
    overrides: () => ({ '/fields': grantedFields, '/validity': validity }),
  },
  {
    command: 'sharing.request.refuse',
    method: 'POST',
    token: () => tokens.owner,
    target: async () => {
      const requestId = await submitted();
      return { path: `/sharing/requests/${requestId}/refusal`, subject: requestId };
    },
  },
  {
    command: 'sharing.request.withdraw',
    method: 'POST',
    token: () => tokens.consumer,
    target: async () => {
      const requestId = await submitted();
      return { path: `/sharing/requests/${requestId}/withdrawal`, subject: requestId };
    },
  },
  {
    command: 'sharing.dispute.open',
    method: 'POST',
    token: () => tokens.consumer,
    target: async () => {
      const requestId = await refused();
      return { path: '/sharing/disputes', patch: { requestId } };
    },
    subjectFrom: (a) => a.disputeId!,
  },
  {
    command: 'sharing.dispute.decide',
    method: 'POST',
    token: () => tokens.dic,
    target: async () => {
      const disputeId = await openDispute();
      return { path: `/sharing/disputes/${disputeId}/decision`, subject: disputeId };
    },
    overrides: () => ({ '/fields': grantedFields, '/validity': validity }),
  },
  {
    command: 'sharing.grant.suspend',
    method: 'POST',
    token: () => tokens.owner,
    target: async () => {
      const grantId = await grant();
      return { path: `/sharing/grants/${grantId}/suspension`, subject: grantId };
    },
    overrides: () => ({ '/until': fc.option(at(1, 300), { nil: undefined }) }),
  },
  {
    command: 'sharing.grant.terminate',
    method: 'POST',
    token: () => tokens.owner,
    target: async () => {
      const grantId = await grant();
      return { path: `/sharing/grants/${grantId}/termination`, subject: grantId };
    },
  },
  {
    command: 'sharing.service-suspension.announce',
    method: 'POST',
    token: () => tokens.owner,
    target: async () => ({ path: '/sharing/planned-suspensions' }),
    subjectFrom: (a) => a.suspensionId!,
    overrides: () => ({
      '/serviceId': fc.constant(shared.serviceId),
      '/startsAt': at(12, 40),
      '/expectedRestorationAt': at(41, 60),
    }),
  },
  {
    command: 'sharing.usage-report.demand',
    method: 'POST',
    token: () => tokens.owner,
    target: async () => ({ path: '/sharing/usage-report-demands', patch: { grantId: await grant() } }),
    subjectFrom: (a) => a.demandId!,
  },
  {
    command: 'sharing.usage-report.submit',
    method: 'POST',
    token: () => tokens.consumer,
    target: async () => {
      const demandId = await demand();
      return { path: `/sharing/usage-report-demands/${demandId}/report`, subject: demandId };
    },
    overrides: () => ({
      '/period': fc.option(fc.record({ from: at(-5, 10), until: at(11, 30) }), { nil: undefined }),
    }),
  },
];

describeCommandProperties({ sut: () => sut, watch: () => watch, endpoints, runs: 15 });

describe('a sharing request in decomposed (NFD) text', () => {
  const purpose = 'Xác minh quyền sử dụng đất';

  it('is published in NFC when submitted over HTTP', async () => {
    const from = watch.events.length;
    const body = { ...requestBody(shared.entryId), purpose: purpose.normalize('NFD') };
    const { requestId } = expectStatus(await call('POST', '/sharing/requests', tokens.consumer, body), 201);
    const event = await watch.next((e) => e.subject === requestId, from);
    assert.equal((event.data as { purpose: string }).purpose, purpose.normalize('NFC'));
  });

  it('is published in NFC when filed as a CloudEvent over POST /sharing/events', async () => {
    const from = watch.events.length;
    const id = createEvent('vn.openlgsp.sharing.request.filed.v1', {}, { source: '/agencies/SXD/qlxd' }).id;
    const accepted = await sut.request('POST', '/sharing/events', {
      token: await sut.token('SXD', ['integrator'], 'sxd-system'),
      headers: {
        'ce-specversion': '1.0',
        'ce-id': id,
        'ce-type': 'vn.openlgsp.sharing.request.filed.v1',
        'ce-source': '/agencies/SXD/qlxd',
        'ce-time': new Date().toISOString(),
        'ce-agency': 'SXD',
      },
      body: { ...requestBody(shared.entryId), purpose: purpose.normalize('NFD') },
    });
    assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
    const event = await watch.next(
      (e) => e.subject === id && e.type === 'vn.openlgsp.sharing.request.submitted.v1',
      from,
    );
    assert.equal((event.data as { purpose: string }).purpose, purpose.normalize('NFC'));
  });

  it('is published in NFC when filed over NATS intake, as over HTTP', async () => {
    const from = watch.events.length;
    const filed = createEvent(
      'vn.openlgsp.sharing.request.filed.v1',
      { ...requestBody(shared.entryId), purpose: purpose.normalize('NFD') },
      { source: '/agencies/SXD/qlxd', agency: 'SXD', actor: 'sxd-system' },
    );
    const { headers, body } = toNatsMessage(filed);
    await sut.js.publish('lgsp.intake.SXD.sharing.request.filed', body, { headers, msgID: filed.id });
    const event = await watch.next(
      (e) => e.subject === filed.id && e.type === 'vn.openlgsp.sharing.request.submitted.v1',
      from,
    );
    assert.equal((event.data as { purpose: string }).purpose, purpose.normalize('NFC'));
  });
});
