import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  describeCommandProperties,
  serviceSuite,
  type CommandEndpoint,
  type HttpAnswer,
  type Overrides,
} from '@openlgsp/http/testing';
import { landDatabase } from './fixtures.js';
import { startCatalogue } from './service.js';

/**
 * Every mutating endpoint of the catalogue, with bodies generated from its command schema
 * (contracts/commands/catalogue): whatever it accepts produces events that keep their contracts, with
 * text in NFC; text the events would refuse (blank, too long) is refused at the door with 400.
 */
const { sut, tokens, watch } = serviceSuite(startCatalogue, {
  tokens: {
    dic: ['STTTT', ['dic']],
    committee: ['UBND', ['committee']],
    owner: ['STNMT', ['provider']],
    consumer: ['SXD', ['consumer']],
  },
  watch: 'CATALOGUE',
  ready: async () => {
    listedEntryId = await listedEntry();
    agencyCode = await registeredAgency();
    serviceId = await declaredService();
  },
});
let listedEntryId: string;
let agencyCode: string;
let serviceId: string;
const RUNS = 15;

async function call(method: string, path: string, token: string, body?: unknown) {
  return sut.request(method, path, { token, body });
}

function expectStatus(answer: HttpAnswer, status: number) {
  assert.equal(answer.status, status, JSON.stringify(answer.body));
  return answer.body as Record<string, string>;
}

async function proposal() {
  const body = { content: landDatabase('STNMT'), justification: 'Phục vụ thủ tục đất đai liên thông' };
  return expectStatus(await call('POST', '/catalogue/entries/proposals', tokens.owner, body), 201) as {
    entryId: string;
    proposalId: string;
  };
}

async function compiled() {
  const { entryId, proposalId } = await proposal();
  const path = `/catalogue/entries/${entryId}/proposals/${proposalId}/compilation`;
  expectStatus(await call('POST', path, tokens.dic, {}), 204);
  return { entryId, proposalId };
}

async function listedEntry() {
  const { entryId, proposalId } = await compiled();
  const path = `/catalogue/entries/${entryId}/proposals/${proposalId}/decision`;
  expectStatus(await call('POST', path, tokens.committee, { outcome: 'approved' }), 204);
  return entryId;
}

async function registeredAgency() {
  const code = `A${Math.random().toString(36).slice(2, 10)}`;
  const body = { code, name: 'Sở Tài nguyên và Môi trường', level: 'province' };
  expectStatus(await call('POST', '/catalogue/agencies', tokens.dic, body), 201);
  return code;
}

async function declaredService() {
  const body = {
    entryId: listedEntryId,
    name: 'Tra cứu thửa đất',
    protocol: 'rest',
    endpoint: 'https://lgsp.example.vn/land/v1',
    version: '1.0.0',
  };
  return expectStatus(await call('POST', '/catalogue/services', tokens.owner, body), 201).serviceId!;
}

async function openReport() {
  const body = { entryId: listedEntryId, description: 'Diện tích sai' };
  return expectStatus(await call('POST', '/catalogue/error-reports', tokens.consumer, body), 201).reportId!;
}

const futureTimestamp = fc
  .date({
    min: new Date(Date.now() + 86_400_000),
    max: new Date('2035-01-01T00:00:00Z'),
    noInvalidDate: true,
  })
  .map((d) => d.toISOString());
const ownContent: Overrides = {
  '/content/ownerAgency': fc.constant('STNMT'),
};

const endpoints: CommandEndpoint[] = [
  {
    command: 'catalogue.agency.register',
    method: 'POST',
    token: () => tokens.dic,
    target: async () => ({ path: '/catalogue/agencies' }),
    subjectFrom: (a) => a.code!,
    overrides: () => ({ '/parentCode': fc.constant(undefined), '/level': fc.constant('province') }),
  },
  {
    command: 'catalogue.agency.update',
    method: 'PUT',
    token: () => tokens.dic,
    target: async () => ({ path: `/catalogue/agencies/${agencyCode}`, subject: agencyCode }),
    overrides: () => ({ '/parentCode': fc.constant(undefined), '/level': fc.constant('province') }),
  },
  {
    command: 'catalogue.proposal.submit',
    method: 'POST',
    token: () => tokens.owner,
    target: async () => ({ path: '/catalogue/entries/proposals' }),
    subjectFrom: (a) => a.entryId!,
    overrides: () => ({ ...ownContent, '/content/containsStateSecrets': fc.constant(false) }),
  },
  {
    command: 'catalogue.proposal.submit-change',
    method: 'POST',
    token: () => tokens.owner,
    target: async () => {
      const entryId = await listedEntry();
      return { path: `/catalogue/entries/${entryId}/proposals`, subject: entryId };
    },
    overrides: () => ({ ...ownContent, '/content/containsStateSecrets': fc.constant(false) }),
    fit: ({ content, ...body }) => (body.kind === 'amend' && content ? { ...body, content } : body),
  },
  {
    command: 'catalogue.proposal.compile',
    method: 'POST',
    token: () => tokens.dic,
    target: async () => {
      const { entryId, proposalId } = await proposal();
      return { path: `/catalogue/entries/${entryId}/proposals/${proposalId}/compilation`, subject: entryId };
    },
  },
  {
    command: 'catalogue.proposal.decide',
    method: 'POST',
    token: () => tokens.committee,
    target: async () => {
      const { entryId, proposalId } = await compiled();
      return { path: `/catalogue/entries/${entryId}/proposals/${proposalId}/decision`, subject: entryId };
    },
  },
  {
    command: 'catalogue.entry.assess',
    method: 'POST',
    token: () => tokens.owner,
    target: async () => {
      const entryId = await listedEntry();
      return { path: `/catalogue/entries/${entryId}/assessments`, subject: entryId };
    },
  },
  {
    command: 'catalogue.entry.review',
    method: 'POST',
    token: () => tokens.dic,
    target: async () => {
      const entryId = await listedEntry();
      return { path: `/catalogue/entries/${entryId}/reviews`, subject: entryId };
    },
  },
  {
    command: 'catalogue.error-report.open',
    method: 'POST',
    token: () => tokens.consumer,
    target: async () => ({ path: '/catalogue/error-reports' }),
    subjectFrom: (a) => a.reportId!,
    overrides: () => ({
      '/entryId': fc.constant(listedEntryId),
      '/field': fc.constantFrom(undefined, 'parcelId', 'area'),
    }),
  },
  {
    command: 'catalogue.error-report.acknowledge',
    method: 'POST',
    token: () => tokens.owner,
    target: async () => {
      const reportId = await openReport();
      return { path: `/catalogue/error-reports/${reportId}/acknowledgement`, subject: reportId };
    },
  },
  {
    command: 'catalogue.error-report.correct',
    method: 'POST',
    token: () => tokens.owner,
    target: async () => {
      const reportId = await openReport();
      return { path: `/catalogue/error-reports/${reportId}/correction`, subject: reportId };
    },
  },
  {
    command: 'catalogue.service.declare',
    method: 'POST',
    token: () => tokens.owner,
    target: async () => ({ path: '/catalogue/services' }),
    subjectFrom: (a) => a.serviceId!,
    overrides: () => ({ '/entryId': fc.constant(listedEntryId) }),
  },
  {
    command: 'catalogue.service.update',
    method: 'PATCH',
    token: () => tokens.owner,
    target: async () => ({ path: `/catalogue/services/${serviceId}`, subject: serviceId }),
  },
  {
    command: 'catalogue.service.suspend',
    method: 'POST',
    token: () => tokens.owner,
    target: async () => {
      const id = await declaredService();
      return { path: `/catalogue/services/${id}/suspension`, subject: id };
    },
    overrides: () => ({ '/until': fc.option(futureTimestamp, { nil: undefined }) }),
  },
  {
    command: 'catalogue.service.retire',
    method: 'POST',
    token: () => tokens.owner,
    target: async () => {
      const id = await declaredService();
      return { path: `/catalogue/services/${id}/retirement`, subject: id };
    },
  },
];

describeCommandProperties({ sut: () => sut, watch: () => watch, endpoints, runs: RUNS });

describe('the reported drift', () => {
  it('refuses a proposal whose purpose or a field description is only spaces (it used to be 201 and never published)', async () => {
    const content = landDatabase('STNMT', { purpose: '   ' });
    content.dataFields[0]!.description = ' \t ';
    const answer = await call('POST', '/catalogue/entries/proposals', tokens.owner, {
      content,
      justification: 'Phục vụ thủ tục đất đai liên thông',
    });
    assert.equal(answer.status, 400, JSON.stringify(answer.body));
    const paths = (answer.body as { errors: { path: string }[] }).errors.map((e) => e.path);
    assert.ok(paths.includes('/content/purpose'), JSON.stringify(paths));
    assert.ok(paths.includes('/content/dataFields/0/description'), JSON.stringify(paths));
  });

  it('stores and publishes decomposed (NFD) text as NFC, and finds it by either spelling', async () => {
    const name = 'Cơ sở dữ liệu Đất đai Kon Tum';
    const from = watch.events.length;
    const answer = await call('POST', '/catalogue/entries/proposals', tokens.owner, {
      content: landDatabase('STNMT', { name: name.normalize('NFD') }),
      justification: 'Phục vụ thủ tục đất đai liên thông'.normalize('NFD'),
    });
    const { entryId } = expectStatus(answer, 201);
    const event = await watch.next((e) => e.subject === entryId, from);
    const data = event.data as { content: { name: string }; justification: string };
    assert.equal(data.content.name, name.normalize('NFC'));
    assert.equal(data.justification, 'Phục vụ thủ tục đất đai liên thông'.normalize('NFC'));
    const stored = expectStatus(
      await call('GET', `/catalogue/entries/${entryId}`, tokens.owner),
      200,
    ) as unknown as {
      content: { name: string };
    };
    assert.equal(stored.content.name, name.normalize('NFC'));
    const search = async (q: string) => {
      const query = new URLSearchParams({ q, status: 'proposed', owner: 'STNMT' });
      const page = expectStatus(
        await call('GET', `/catalogue/entries?${query}`, tokens.owner),
        200,
      ) as unknown as {
        items: { _id?: string; id?: string; entryId?: string }[];
      };
      return page.items.some((item) => [item._id, item.id, item.entryId].includes(entryId));
    };
    assert.ok(await search('Đất đai Kon Tum'.normalize('NFC')), 'not found by the NFC spelling');
    assert.ok(await search('Đất đai Kon Tum'.normalize('NFD')), 'not found by the NFD spelling');
  });
});
