import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { commandContracts, validateEnvelope, validateEventData, type CommandName } from '@openlgsp/contracts';
import {
  commandBodies,
  isNfc,
  replaceAt,
  startService,
  textFields,
  watchStream,
  type HttpAnswer,
  type Overrides,
  type ServiceUnderTest,
  type StreamWatch,
} from '@openlgsp/http/testing';
import { landDatabase } from './fixtures.js';

/**
 * Every mutating endpoint of the catalogue, with bodies generated from its command schema
 * (contracts/commands/catalogue): whatever it accepts produces events that keep their contracts, with
 * text in NFC; text the events would refuse (blank, too long) is refused at the door with 400.
 */
let sut: ServiceUnderTest;
let watch: StreamWatch;
let tokens: Record<'dic' | 'committee' | 'owner' | 'consumer', string>;
let listedEntryId: string;
let agencyCode: string;
let serviceId: string;
const RUNS = 15;

before(async () => {
  sut = await startService({
    service: 'catalogue',
    appModule: async () => (await import('../src/app.module.js')).AppModule,
  });
  tokens = {
    dic: await sut.token('STTTT', ['dic']),
    committee: await sut.token('UBND', ['committee']),
    owner: await sut.token('STNMT', ['provider']),
    consumer: await sut.token('SXD', ['consumer']),
  };
  watch = await watchStream(sut.js, 'CATALOGUE');
  listedEntryId = await listedEntry();
  agencyCode = await registeredAgency();
  serviceId = await declaredService();
});
after(async () => {
  await watch?.stop();
  await sut?.stop();
});

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

/** One mutating endpoint: its command, who calls it, and the state one call needs (made afresh per call). */
interface Endpoint {
  command: CommandName;
  method: 'POST' | 'PUT' | 'PATCH';
  token: () => string;
  /** The path, after making what this call needs; and the subject (resource id) of the events it causes. */
  target: () => Promise<{ path: string; subject?: string }>;
  /** Where the resource id is in a 2xx answer, when it is not in the path. */
  subjectFrom?: (answer: Record<string, string>) => string;
  overrides?: () => Overrides;
  /** Fits a generated body to rules the schema cannot state (e.g. content only when amending). */
  fit?: (body: Record<string, unknown>) => Record<string, unknown>;
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

const endpoints: Endpoint[] = [
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

/** Calls the endpoint; for a 2xx, waits for the events it causes and checks them against their contracts. */
async function exercise(endpoint: Endpoint, body: Record<string, unknown>) {
  const { path, subject: inPath } = await endpoint.target();
  const from = watch.events.length;
  const answer = await call(endpoint.method, path, endpoint.token(), body);
  assert.ok(
    answer.status < 500,
    `${endpoint.command} answered ${answer.status}: ${JSON.stringify(answer.body)}`,
  );
  if (answer.status >= 300) return answer;
  const subject = inPath ?? endpoint.subjectFrom!(answer.body as Record<string, string>);
  const emits: readonly string[] = commandContracts[endpoint.command].emits;
  // An accepted command whose event broke its contract would never be published: this wait would fail.
  await watch.next((e) => e.subject === subject && emits.includes(e.type), from);
  for (const event of watch.events.slice(from).filter((e) => e.subject === subject)) {
    const { data, natsSubject: _subject, ...attributes } = event;
    assert.deepEqual(validateEnvelope(attributes), { ok: true }, `${event.type}: envelope`);
    assert.deepEqual(
      validateEventData(event.type, data),
      { ok: true },
      `${event.type}: ${JSON.stringify(data)}`,
    );
    assert.ok(isNfc(data), `${event.type} carries text that is not NFC: ${JSON.stringify(data)}`);
  }
  return answer;
}

describe('every catalogue command, with bodies generated from its contract', () => {
  for (const endpoint of endpoints) {
    it(`${endpoint.command}: what it accepts makes events that keep their contracts, in NFC`, async () => {
      let accepted = 0;
      await fc.assert(
        fc.asyncProperty(commandBodies(endpoint.command, endpoint.overrides?.()), async (generated) => {
          const body = endpoint.fit ? endpoint.fit(generated) : generated;
          const answer = await exercise(endpoint, body);
          if (answer.status < 300) accepted++;
        }),
        { numRuns: RUNS },
      );
      // Bodies that satisfy the schema mostly satisfy the rules too: the property is not vacuous.
      assert.ok(accepted > 0, `${endpoint.command}: no generated body was accepted`);
    });
  }
});

describe('text the events would refuse is refused at the door', () => {
  const withText = endpoints.filter((e) => textFields(e.command).length > 0);
  for (const endpoint of withText) {
    it(`${endpoint.command}: blank or too long text answers 400 at its pointer, and changes nothing`, async () => {
      const fields = textFields(endpoint.command);
      await fc.assert(
        fc.asyncProperty(
          commandBodies(endpoint.command, endpoint.overrides?.()),
          fc.constantFrom(...fields),
          fc.constantFrom('blank', 'too long'),
          fc.constantFrom(' ', '   ', '\t\n', '\u00a0'),
          async (generated, field, how, blank) => {
            const body = endpoint.fit ? endpoint.fit(generated) : generated;
            const bad = how === 'blank' ? blank : 'đ'.normalize('NFD').repeat(field.maxLength + 1);
            const replaced = replaceAt(body, field.path, bad);
            fc.pre(replaced !== undefined);
            const { path } = await endpoint.target();
            const from = watch.events.length;
            const answer = await call(endpoint.method, path, endpoint.token(), replaced!.body);
            assert.equal(answer.status, 400, `${how} ${field.path}: ${JSON.stringify(answer.body)}`);
            const problem = answer.body as { code: string; errors: { path: string }[] };
            assert.equal(problem.code, 'invalid-request');
            assert.ok(
              problem.errors.some((e) => e.path === replaced!.pointer),
              `expected an error at ${replaced!.pointer}, got ${JSON.stringify(problem.errors)}`,
            );
            assert.equal(watch.events.length, from, 'a refused body caused an event');
          },
        ),
        { numRuns: 10 },
      );
    });
  }
});

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

  it('stores and publishes decomposed (NFD) text as NFC, and finds it by either form', async () => {
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
  });
});
