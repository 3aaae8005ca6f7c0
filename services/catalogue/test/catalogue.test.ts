import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { validateEnvelope } from '@openlgsp/contracts';
import { OutboxRelay, createEvent, msgIdFor, toNatsMessage, type LgspEvent } from '@openlgsp/events';
import { MONGO_CONNECTION } from '@openlgsp/persistence';
import type { Connection } from 'mongoose';
import { findEvent, publishedOpenApi, readStream, serviceSuite } from '@openlgsp/http/testing';
import { landDatabase, landService } from './fixtures.js';
import { startCatalogue } from './service.js';

/**
 * The catalogue end to end against a real nats-server and a real MongoDB-wire server (FerretDB):
 * HTTP in, documents in the store, CloudEvents out on JetStream, intake over NATS and HTTP.
 */
const { sut, tokens } = serviceSuite(() => startCatalogue(), {
  tokens: {
    dic: ['STTTT', ['dic']],
    committee: ['UBND', ['committee']],
    owner: ['STNMT', ['provider']],
    otherProvider: ['SYT', ['provider']],
    consumer: ['SXD', ['consumer']],
    integrator: ['STNMT', ['integrator'], 'stnmt-land-system'],
  },
});

async function listedEntry(overrides = {}): Promise<string> {
  const proposed = await sut.request('POST', '/catalogue/entries/proposals', {
    token: tokens.owner,
    body: { content: landDatabase('STNMT', overrides), justification: 'Phục vụ thủ tục đất đai liên thông' },
  });
  assert.equal(proposed.status, 201, JSON.stringify(proposed.body));
  const { entryId, proposalId } = proposed.body;
  const compiled = await sut.request(
    'POST',
    `/catalogue/entries/${entryId}/proposals/${proposalId}/compilation`,
    {
      token: tokens.dic,
      body: { note: 'đủ hồ sơ' },
    },
  );
  assert.equal(compiled.status, 204, JSON.stringify(compiled.body));
  const decided = await sut.request(
    'POST',
    `/catalogue/entries/${entryId}/proposals/${proposalId}/decision`,
    {
      token: tokens.committee,
      body: { outcome: 'approved', decisionRef: '12/QĐ-UBND' },
    },
  );
  assert.equal(decided.status, 204, JSON.stringify(decided.body));
  return entryId;
}

async function declaredService(entryId: string): Promise<string> {
  const declared = await sut.request('POST', '/catalogue/services', {
    token: tokens.owner,
    body: landService(entryId),
  });
  assert.equal(declared.status, 201, JSON.stringify(declared.body));
  return declared.body.serviceId;
}

describe('a proposal over HTTP', () => {
  it("is stored, and its CloudEvent reaches JetStream in the HTTP request's trace", async () => {
    const traceId = randomBytes(16).toString('hex');
    const answer = await sut.request('POST', '/catalogue/entries/proposals', {
      token: tokens.owner,
      headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
      body: { content: landDatabase(), justification: 'Liên thông thủ tục đất đai' },
    });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    const { entryId } = answer.body;

    const stored = await sut.request('GET', `/catalogue/entries/${entryId}`, { token: tokens.owner });
    assert.equal(stored.body.status, 'proposed');
    assert.equal(stored.body.content.name, 'Cơ sở dữ liệu đất đai');

    const event = await findEvent(sut.js, 'CATALOGUE', (e) => e.subject === entryId);
    assert.equal(event.type, 'vn.openlgsp.catalogue.proposal.submitted.v1');
    assert.equal(event.natsSubject, 'lgsp.catalogue.proposal.submitted');
    const { data: _data, ...attributes } = event;
    delete (attributes as { natsSubject?: string }).natsSubject;
    assert.deepEqual(validateEnvelope(attributes), { ok: true });
    assert.equal(event.source, '/openlgsp/catalogue');
    assert.equal(event.agency, 'STNMT');
    assert.equal(event.actor, 'stnmt-officer');
    assert.match(event.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7/, 'ids are UUIDv7');
    assert.equal(event.traceparent?.split('-')[1], traceId, "the event carries the HTTP request's trace id");
  });

  it('walks the proposal through DIC and the Committee to a listed entry', async () => {
    const entryId = await listedEntry();
    const listed = await findEvent(
      sut.js,
      'CATALOGUE',
      (e) => e.subject === entryId && e.type.endsWith('entry.listed.v1'),
    );
    assert.equal((listed.data as { version: number }).version, 1);
    const publicView = await sut.request('GET', `/catalogue/entries/${entryId}`);
    assert.equal(publicView.status, 200, 'a listed entry is readable without a token');
    assert.equal(publicView.body.status, 'listed');
  });

  it('refuses data containing state secrets, and writes nothing', async () => {
    const before = await sut.request('GET', '/catalogue/entries?owner=STNMT&limit=200', {
      token: tokens.dic,
    });
    const answer = await sut.request('POST', '/catalogue/entries/proposals', {
      token: tokens.owner,
      body: { content: landDatabase('STNMT', { containsStateSecrets: true }), justification: 'x' },
    });
    assert.equal(answer.status, 422);
    assert.match(answer.headers.get('content-type') ?? '', /^application\/problem\+json/);
    assert.equal(answer.body.code, 'state-secret');
    assert.equal(answer.body.source, '000 Điều 1.2');
    const afterwards = await sut.request('GET', '/catalogue/entries?owner=STNMT&limit=200', {
      token: tokens.dic,
    });
    assert.equal(afterwards.body.total, before.body.total);
  });

  it('gives exactly one decision when two are made at once', async () => {
    const proposed = await sut.request('POST', '/catalogue/entries/proposals', {
      token: tokens.owner,
      body: { content: landDatabase(), justification: 'j' },
    });
    const { entryId, proposalId } = proposed.body;
    await sut.request('POST', `/catalogue/entries/${entryId}/proposals/${proposalId}/compilation`, {
      token: tokens.dic,
      body: {},
    });
    const decide = (outcome: string) =>
      sut.request('POST', `/catalogue/entries/${entryId}/proposals/${proposalId}/decision`, {
        token: tokens.committee,
        body: { outcome, reason: 'thiếu căn cứ' },
      });
    const answers = await Promise.all([decide('approved'), decide('rejected'), decide('approved')]);
    const statuses = answers.map((a) => a.status).sort();
    assert.deepEqual(
      statuses.filter((s) => s === 204),
      [204],
      `one winner, got ${statuses}`,
    );
    assert.ok(
      statuses.filter((s) => s !== 204).every((s) => s === 409),
      `the others are conflicts, got ${statuses}`,
    );
    const decisions = (await readStream(sut.js, 'CATALOGUE')).filter(
      (e) => e.subject === entryId && /proposal\.(approved|rejected)/.test(e.type),
    );
    assert.equal(decisions.length, 1);
  });
});

describe('authorisation', () => {
  it('answers 401 without a token and 403 with a reason for the wrong role or agency', async () => {
    const body = { content: landDatabase(), justification: 'j' };
    const anonymous = await sut.request('POST', '/catalogue/entries/proposals', { body });
    assert.equal(anonymous.status, 401);
    const consumer = await sut.request('POST', '/catalogue/entries/proposals', {
      token: tokens.consumer,
      body,
    });
    assert.equal(consumer.status, 403);
    assert.match(consumer.body.detail, /provider/);
    const otherAgency = await sut.request('POST', '/catalogue/entries/proposals', {
      token: tokens.otherProvider,
      body,
    });
    assert.equal(otherAgency.status, 403);
    assert.match(otherAgency.body.detail, /STNMT/);
  });

  it('hides proposed entries from other agencies', async () => {
    const { body } = await sut.request('POST', '/catalogue/entries/proposals', {
      token: tokens.owner,
      body: { content: landDatabase(), justification: 'j' },
    });
    assert.equal(
      (await sut.request('GET', `/catalogue/entries/${body.entryId}`, { token: tokens.consumer })).status,
      404,
    );
    assert.equal((await sut.request('GET', `/catalogue/entries/${body.entryId}`)).status, 404);
  });
});

describe('what a reader may see', () => {
  it('never shows an unlisted entry to an anonymous search, whatever the filters', async () => {
    await sut.request('POST', '/catalogue/entries/proposals', {
      token: tokens.owner,
      body: { content: landDatabase(), justification: 'j' },
    });
    const proposed = await sut.request('GET', '/catalogue/entries?status=proposed');
    assert.equal(proposed.status, 200);
    assert.equal(proposed.body.items.length, 0, 'no proposed entry for the public');
    const own = await sut.request('GET', '/catalogue/entries?status=proposed', { token: tokens.owner });
    assert.ok(own.body.items.length >= 1, 'the owner sees its own proposals');
  });

  it('keeps error reports and agency contacts from external apps', async () => {
    const app = await sut.token('portal-app', ['public-app']);
    assert.equal((await sut.request('GET', '/catalogue/error-reports', { token: app })).status, 403);
    assert.equal((await sut.request('GET', '/catalogue/agencies', { token: app })).status, 403);
  });

  it('removes optional agency details an update leaves out', async () => {
    const code = `AG${Date.now().toString(36).toUpperCase()}`;
    await sut.request('POST', '/catalogue/agencies', {
      token: tokens.dic,
      body: {
        code,
        name: 'Sở Công Thương',
        level: 'province',
        nationalId: '000.00.20.H34',
        focalPoint: { name: 'A', email: 'a@b.vn' },
      },
    });
    const updated = await sut.request('PUT', `/catalogue/agencies/${code}`, {
      token: tokens.dic,
      body: { name: 'Sở Công Thương tỉnh', level: 'province' },
    });
    assert.equal(updated.status, 200, JSON.stringify(updated.body));
    const stored = await sut.request('GET', `/catalogue/agencies/${code}`, { token: tokens.dic });
    assert.equal(stored.body.nationalId, undefined);
    assert.equal(stored.body.focalPoint, undefined);
    assert.equal(stored.body.outboxAt, undefined, 'no storage internals in answers');
    assert.equal(stored.body.codeFolded, undefined, 'no storage internals in answers');
  });

  it('refuses an agency code that differs from a registered one only in letter case', async () => {
    const code = `Ag${Date.now().toString(36).toUpperCase()}`;
    const register = (c: string) =>
      sut.request('POST', '/catalogue/agencies', {
        token: tokens.dic,
        body: { code: c, name: 'Sở Tư pháp', level: 'province' },
      });
    assert.equal((await register(code)).status, 201);
    for (const variant of [code.toLowerCase(), code.toUpperCase()]) {
      const again = await register(variant);
      assert.equal(again.status, 409, JSON.stringify(again.body));
      assert.match(again.body.detail, new RegExp(`agency ${code} is registered`));
    }
    const missing = await sut.request('GET', `/catalogue/agencies/${code.toLowerCase()}`, {
      token: tokens.dic,
    });
    assert.equal(missing.status, 404, 'nothing was registered under the variant');
  });

  it('folds the codes of agencies registered before codes were folded, at start', async () => {
    const code = `Old${Date.now().toString(36).toUpperCase()}`;
    const now = new Date();
    await sut.app
      .get<Connection>(MONGO_CONNECTION)
      .collection('agencies')
      .insertOne({
        _id: code as never,
        revision: 1,
        name: 'Sở cũ',
        level: 'province',
        registeredAt: now,
        updatedAt: now,
        outbox: [],
      });
    await sut.restart();
    const again = await sut.request('POST', '/catalogue/agencies', {
      token: tokens.dic,
      body: { code: code.toLowerCase(), name: 'Sở mới', level: 'province' },
    });
    assert.equal(again.status, 409, JSON.stringify(again.body));
  });

  it('finds a renamed service by its new name only', async () => {
    const serviceId = await declaredService(await listedEntry());
    for (const name of ['Tra cứu quy hoạch', 'Tra cứu biến động'])
      await sut.request('PATCH', `/catalogue/services/${serviceId}`, { token: tokens.owner, body: { name } });
    const found = await sut.request('GET', '/catalogue/services?q=bien%20dong');
    assert.ok(
      found.body.items.some((s: { _id: string }) => s._id === serviceId),
      'the new name finds it',
    );
    const stale = await sut.request('GET', '/catalogue/services?q=quy%20hoach');
    assert.ok(!stale.body.items.some((s: { _id: string }) => s._id === serviceId), 'an old name does not');
  });
});

describe('bad input gets a clear problem and changes nothing', () => {
  const cases: [string, { rawBody?: string; body?: unknown }, number, RegExp | string][] = [
    ['malformed JSON', { rawBody: '{"content": ' }, 400, 'malformed-json'],
    [
      'a wrong type',
      { body: { content: { ...landDatabase(), open: 'yes' }, justification: 'j' } },
      400,
      '/content/open',
    ],
    [
      'an unknown field',
      { body: { content: landDatabase(), justification: 'j', priority: 1 } },
      400,
      '/priority',
    ],
    [
      'a $-operator',
      { body: { content: landDatabase(), justification: { $ne: null } } },
      400,
      '/justification/$ne',
    ],
    [
      'a missing required field',
      { body: { content: { ...landDatabase(), legalBasis: undefined }, justification: 'j' } },
      400,
      '/content/legalBasis',
    ],
    [
      'an oversized body',
      { rawBody: JSON.stringify({ justification: 'x'.repeat(300 * 1024) }) },
      413,
      'body-too-large',
    ],
  ];
  for (const [what, input, status, expected] of cases) {
    it(`refuses ${what}`, async () => {
      const before = (await readStream(sut.js, 'CATALOGUE')).length;
      const answer = await sut.request('POST', '/catalogue/entries/proposals', {
        token: tokens.owner,
        ...input,
      });
      assert.equal(answer.status, status, JSON.stringify(answer.body));
      assert.match(answer.headers.get('content-type') ?? '', /^application\/problem\+json/);
      const text = JSON.stringify(answer.body);
      assert.ok(
        typeof expected === 'string' ? text.includes(expected) : expected.test(text),
        `${text} should mention ${expected}`,
      );
      assert.equal((await readStream(sut.js, 'CATALOGUE')).length, before, 'no event was published');
    });
  }

  it('refuses absurdly nested bodies with a 400, before authentication', async () => {
    const deep = '{"a":'.repeat(5_000) + '1' + '}'.repeat(5_000);
    const answer = await sut.request('POST', '/catalogue/events', { rawBody: deep });
    assert.equal(answer.status, 400, JSON.stringify(answer.body).slice(0, 300));
    assert.equal(answer.body.code, 'unsafe-body');
  });

  it('answers 404 for ids that do not exist and 400 for ids that are not ids', async () => {
    const missing = await sut.request('GET', '/catalogue/entries/0192f0c1-0000-7000-8000-000000000000');
    assert.equal(missing.status, 404);
    const notAnId = await sut.request('GET', '/catalogue/entries/..%2F..%2Fetc');
    assert.equal(notAnId.status, 400);
  });

  it('refuses a search filter smuggling an operator', async () => {
    const answer = await sut.request('GET', '/catalogue/entries?owner[$ne]=x');
    assert.equal(answer.status, 400);
  });
});

describe('search', () => {
  it('finds entries with or without accents and counts facets', async () => {
    await listedEntry({
      name: 'Cơ sở dữ liệu giá đất',
      sector: 'land-price',
      sharingMode: 'default',
      open: true,
    });
    const withAccents = await sut.request('GET', '/catalogue/entries?q=gi%C3%A1%20%C4%91%E1%BA%A5t');
    const without = await sut.request('GET', '/catalogue/entries?q=gia%20dat');
    assert.equal(withAccents.status, 200);
    assert.ok(withAccents.body.items.length >= 1);
    assert.deepEqual(
      without.body.items.map((e: { _id: string }) => e._id),
      withAccents.body.items.map((e: { _id: string }) => e._id),
    );
    assert.equal(withAccents.body.facets.sector['land-price'] >= 1, true);
    const page1 = await sut.request('GET', '/catalogue/entries?limit=1');
    assert.equal(page1.body.items.length, 1);
    assert.ok(page1.body.nextCursor);
    const page2 = await sut.request('GET', `/catalogue/entries?limit=1&cursor=${page1.body.nextCursor}`);
    assert.notEqual(page2.body.items[0]?._id, page1.body.items[0]._id);
  });
});

describe('intake', () => {
  async function publishIntake(agency: string, event: LgspEvent, subject?: string) {
    const { headers, body } = toNatsMessage(event);
    const on = subject ?? `lgsp.intake.${agency}.catalogue.service.changed`;
    // As README "Integrating" says to publish intake: no Nats-Msg-Id (msgIdFor gives none).
    headers.delete('Nats-Msg-Id');
    const msgID = msgIdFor(on, event.id);
    await sut.js.publish(on, body, { headers, ...(msgID ? { msgID } : {}) });
  }
  const intakeEvent = (agency: string, data: unknown, type = 'vn.openlgsp.catalogue.service.changed.v1') =>
    createEvent(type, data, { source: `/agencies/${agency}/land-system`, agency, actor: 'land-system' });

  it('applies a service change published over NATS', async () => {
    const serviceId = await declaredService(await listedEntry());
    await publishIntake(
      'STNMT',
      intakeEvent('STNMT', { serviceId, endpoint: 'https://lgsp.example.vn/land/v2', version: '2.0.0' }),
    );
    const updated = await findEvent(
      sut.js,
      'CATALOGUE',
      (e) => e.subject === serviceId && e.type.endsWith('service.updated.v1'),
    );
    assert.equal((updated.data as { endpoint: string }).endpoint, 'https://lgsp.example.vn/land/v2');
  });

  it('refuses a forged agency onto lgsp.rejected.<publisher>', async () => {
    const serviceId = await declaredService(await listedEntry());
    const forged = intakeEvent('STNMT', { serviceId, version: '9.9.9' });
    await publishIntake('SYT', forged, 'lgsp.intake.SYT.catalogue.service.changed');
    const rejection = await findEvent(
      sut.js,
      'REJECTED',
      (e) => (e.data as { eventId: string }).eventId === forged.id,
    );
    assert.equal(rejection.natsSubject, 'lgsp.rejected.SYT');
    const codes = (rejection.data as { reasons: { code: string }[] }).reasons.map((r) => r.code);
    assert.ok(codes.includes('forged-agency') && codes.includes('foreign-source'), `got ${codes}`);
  });

  it("refuses a change to another agency's service with the rule's reason", async () => {
    const serviceId = await declaredService(await listedEntry());
    const event = intakeEvent('SYT', { serviceId, version: '9.9.9' });
    await publishIntake('SYT', event, 'lgsp.intake.SYT.catalogue.service.changed');
    const rejection = await findEvent(
      sut.js,
      'REJECTED',
      (e) => (e.data as { eventId: string }).eventId === event.id,
    );
    assert.equal((rejection.data as { reasons: { code: string }[] }).reasons[0]!.code, 'not-owner');
    const service = await sut.request('GET', `/catalogue/services/${serviceId}`);
    assert.equal(service.body.version, '1.0.0', 'nothing changed');
  });

  it('refuses data that breaks the contract, with JSON pointers', async () => {
    const event = intakeEvent('STNMT', { serviceId: 'not-a-uuid', endpoint: 42 });
    await publishIntake('STNMT', event);
    const rejection = await findEvent(
      sut.js,
      'REJECTED',
      (e) => (e.data as { eventId: string }).eventId === event.id,
    );
    const paths = (rejection.data as { reasons: { path: string }[] }).reasons.map((r) => r.path);
    assert.ok(paths.includes('/data/serviceId') && paths.includes('/data/endpoint'), JSON.stringify(paths));
  });

  it('opens one error report for a redelivered data-error event', async () => {
    const entryId = await listedEntry();
    const event = intakeEvent(
      'SXD',
      { entryId, field: 'area', description: 'Diện tích thửa 12 sai' },
      'vn.openlgsp.catalogue.data-error.reported.v1',
    );
    const subject = 'lgsp.intake.SXD.catalogue.data-error.reported';
    const { headers, body } = toNatsMessage(event);
    await sut.js.publish(subject, body, { headers, msgID: event.id });
    // The same event again under another Nats-Msg-Id, as after JetStream's duplicate window: the
    // consumer's processed-id record must keep it from applying twice.
    const again = natsHeaders();
    for (const k of headers.keys()) if (k !== 'Nats-Msg-Id') again.set(k, headers.get(k));
    await sut.js.publish(subject, body, { headers: again, msgID: `${event.id}-again` });
    await findEvent(
      sut.js,
      'CATALOGUE',
      (e) => e.subject === event.id && e.type.endsWith('error-report.opened.v1'),
    );
    const integrator = await sut.token('SXD', ['consumer']);
    const reports = await sut.request('GET', `/catalogue/error-reports?entryId=${entryId}`, {
      token: integrator,
    });
    assert.equal(reports.body.items.length, 1);
  });

  it('takes the agency from the subject when the event names none', async () => {
    const serviceId = await declaredService(await listedEntry());
    const { agency: _agency, ...unnamed } = intakeEvent('STNMT', { serviceId, version: '3.0.0' });
    await publishIntake('STNMT', unnamed as LgspEvent);
    const updated = await findEvent(
      sut.js,
      'CATALOGUE',
      (e) => e.subject === serviceId && (e.data as { version?: string }).version === '3.0.0',
    );
    assert.equal(updated.agency, 'STNMT', 'the fact names the agency of the channel');
  });

  it("applies an agency's event after another agency sent a forgery with its id", async () => {
    const serviceId = await declaredService(await listedEntry());
    const genuine = intakeEvent('STNMT', { serviceId, version: '4.0.0' });
    await publishIntake(
      'SYT',
      { ...genuine, data: { serviceId, version: '6.6.6' } },
      'lgsp.intake.SYT.catalogue.service.changed',
    );
    await findEvent(sut.js, 'REJECTED', (e) => (e.data as { eventId: string }).eventId === genuine.id);
    await publishIntake('STNMT', genuine);
    await findEvent(
      sut.js,
      'CATALOGUE',
      (e) => e.subject === serviceId && (e.data as { version?: string }).version === '4.0.0',
    );
    const service = await sut.request('GET', `/catalogue/services/${serviceId}`);
    assert.equal(service.body.version, '4.0.0');
  });

  it("answers a repeated HTTP publish as a duplicate, and keeps two agencies' events with one id apart", async () => {
    const serviceId = await declaredService(await listedEntry());
    const event = intakeEvent('STNMT', { serviceId, version: '5.0.0' });
    const post = (token: string, body: unknown) =>
      sut.request('POST', '/catalogue/events', {
        token,
        headers: { 'content-type': 'application/cloudevents+json' },
        rawBody: JSON.stringify(body),
      });
    const first = await post(tokens.integrator, event);
    assert.equal(first.status, 202, JSON.stringify(first.body));
    assert.equal(first.body.duplicate, false);
    const again = await post(tokens.integrator, event);
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.equal(again.body.duplicate, true);

    // Another agency's event with the same id is its own event: judged (and refused by the rule), not dropped.
    const sytIntegrator = await sut.token('SYT', ['integrator'], 'syt-system');
    const { agency: _agency, ...theirs } = intakeEvent('SYT', { serviceId, version: '7.0.0' });
    const other = await post(sytIntegrator, { ...theirs, id: event.id });
    assert.equal(other.status, 202, JSON.stringify(other.body));
    assert.equal(other.body.duplicate, false);
    const rejection = await findEvent(
      sut.js,
      'REJECTED',
      (e) => (e.data as { eventId: string }).eventId === event.id,
    );
    assert.equal(rejection.natsSubject, 'lgsp.rejected.SYT');
    assert.equal((rejection.data as { reasons: { code: string }[] }).reasons[0]!.code, 'not-owner');
  });

  it("applies an agency's event although another agency sent its id first, under any Nats-Msg-Id", async () => {
    const serviceId = await declaredService(await listedEntry());
    const overHttp = intakeEvent('STNMT', { serviceId, version: '8.0.0' });
    const overNats = intakeEvent('STNMT', { serviceId, version: '9.0.0' });
    // SYT, on its own subject, takes both ids first under every id JetStream could know them by
    // (the event id, and `<agency>:<id>`, which the HTTP door and README used to set).
    for (const { id } of [overHttp, overNats])
      for (const msgID of [id, `STNMT:${id}`])
        await sut.js.publish('lgsp.intake.SYT.catalogue.service.changed', '{}', { msgID });

    const accepted = await sut.request('POST', '/catalogue/events', {
      token: tokens.integrator,
      headers: { 'content-type': 'application/cloudevents+json' },
      rawBody: JSON.stringify(overHttp),
    });
    assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
    assert.equal(accepted.body.duplicate, false);
    await findEvent(
      sut.js,
      'CATALOGUE',
      (e) => e.subject === serviceId && (e.data as { version?: string }).version === '8.0.0',
    );
    await publishIntake('STNMT', overNats);
    await findEvent(
      sut.js,
      'CATALOGUE',
      (e) => e.subject === serviceId && (e.data as { version?: string }).version === '9.0.0',
    );
  });

  it('accepts binary and structured CloudEvents over HTTP and refuses a forged agency', async () => {
    const serviceId = await declaredService(await listedEntry());
    const binary = intakeEvent('STNMT', { serviceId, version: '1.1.0' });
    const ceHeaders: Record<string, string> = {};
    for (const [k, v] of Object.entries(binary))
      if (k !== 'data' && typeof v === 'string') ceHeaders[`ce-${k}`] = v;
    delete ceHeaders['ce-datacontenttype'];
    const accepted = await sut.request('POST', '/catalogue/events', {
      token: tokens.integrator,
      headers: ceHeaders,
      body: binary.data,
    });
    assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
    assert.equal(accepted.body.subject, 'lgsp.intake.STNMT.catalogue.service.changed');

    const structured = intakeEvent('STNMT', { serviceId, version: '1.2.0' });
    const accepted2 = await sut.request('POST', '/catalogue/events', {
      token: tokens.integrator,
      headers: { 'content-type': 'application/cloudevents+json' },
      rawBody: JSON.stringify(structured),
    });
    assert.equal(accepted2.status, 202, JSON.stringify(accepted2.body));
    await findEvent(
      sut.js,
      'CATALOGUE',
      (e) => e.subject === serviceId && (e.data as { version: string }).version === '1.2.0',
    );

    const forged = intakeEvent('SYT', { serviceId, version: '6.6.6' });
    const refused = await sut.request('POST', '/catalogue/events', {
      token: tokens.integrator,
      headers: { 'content-type': 'application/cloudevents+json' },
      rawBody: JSON.stringify(forged),
    });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.code, 'forged-agency');

    const invalid = await sut.request('POST', '/catalogue/events', {
      token: tokens.integrator,
      headers: { 'content-type': 'application/cloudevents+json' },
      rawBody: JSON.stringify({ ...structured, id: 'x', data: { serviceId, extra: true } }),
    });
    assert.equal(invalid.status, 400);
    assert.ok(
      invalid.body.errors.some((e: { path: string }) => e.path === '/id'),
      JSON.stringify(invalid.body),
    );
  });
});

describe('delivery guarantees', () => {
  it('loses no event when the process stops between the write and the publish', async () => {
    const entryId = await listedEntry();
    await sut.app.get(OutboxRelay).stop(); // as if the process died right after the write
    const answer = await sut.request('POST', `/catalogue/entries/${entryId}/reviews`, {
      token: tokens.dic,
      body: { outcome: 'keep-request', note: 'rà soát 6 tháng' },
    });
    assert.equal(answer.status, 204);
    const published = (await readStream(sut.js, 'CATALOGUE')).filter(
      (e) => e.subject === entryId && e.type.endsWith('entry.reviewed.v1'),
    );
    assert.equal(published.length, 0, 'not yet published: the write is all that happened');

    await sut.restart(); // the sweeper of the new process finds the outbox
    const reviewed = await findEvent(
      sut.js,
      'CATALOGUE',
      (e) => e.subject === entryId && e.type.endsWith('entry.reviewed.v1'),
    );
    assert.equal((reviewed.data as { outcome: string }).outcome, 'keep-request');

    // …and, once published, the events leave the document's outbox.
    const entries = sut.app.get<Connection>(MONGO_CONNECTION).collection('entries');
    let pending = -1;
    for (let i = 0; i < 50 && pending !== 0; i++) {
      const doc = await entries.findOne({ _id: entryId as never });
      pending = (doc?.outbox as unknown[] | undefined)?.length ?? 0;
      if (pending) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(pending, 0, 'the outbox is empty after publishing');
    const times = (await readStream(sut.js, 'CATALOGUE')).filter((e) => e.id === reviewed.id).length;
    assert.equal(times, 1, 'published exactly once');
  });

  it("retires the services of a withdrawn entry through its own event, in the decision's trace", async () => {
    const entryId = await listedEntry();
    const serviceId = await declaredService(entryId);
    const { body } = await sut.request('POST', `/catalogue/entries/${entryId}/proposals`, {
      token: tokens.owner,
      body: { kind: 'withdraw', justification: 'Hệ thống cũ ngừng hoạt động' },
    });
    await sut.request('POST', `/catalogue/entries/${entryId}/proposals/${body.proposalId}/compilation`, {
      token: tokens.dic,
      body: {},
    });
    const traceId = randomBytes(16).toString('hex');
    await sut.request('POST', `/catalogue/entries/${entryId}/proposals/${body.proposalId}/decision`, {
      token: tokens.committee,
      headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
      body: { outcome: 'approved' },
    });
    const retired = await findEvent(
      sut.js,
      'CATALOGUE',
      (e) => e.subject === serviceId && e.type.endsWith('service.retired.v1'),
    );
    assert.match((retired.data as { reason: string }).reason, /withdrawn/);
    // HTTP decision → entry.withdrawn on JetStream → consumer → service.retired: one trace.
    assert.equal(retired.traceparent?.split('-')[1], traceId, "the reaction continues the decision's trace");
  });

  it('keeps an intake event while the store is down and applies it when it is back', async () => {
    const entryId = await listedEntry();
    await sut.engines.mongo.stop();
    const event = createEvent(
      'vn.openlgsp.catalogue.data-error.reported.v1',
      { entryId, description: 'Sai tên chủ sử dụng' },
      { source: '/agencies/SXD/portal', agency: 'SXD' },
    );
    const { headers, body } = toNatsMessage(event);
    await sut.js.publish('lgsp.intake.SXD.catalogue.data-error.reported', body, { headers, msgID: event.id });
    await new Promise((r) => setTimeout(r, 1_500)); // let the consumer fail at least once against the dead store
    await sut.engines.mongo.start();
    const opened = await findEvent(
      sut.js,
      'CATALOGUE',
      (e) => e.subject === event.id && e.type.endsWith('error-report.opened.v1'),
      60_000,
    );
    assert.equal((opened.data as { entryId: string }).entryId, entryId);
  });
});

describe('the published OpenAPI document', () => {
  it('is served at /catalogue/openapi.json and matches contracts/openapi/catalogue.json', async () => {
    const { served, published } = await publishedOpenApi(sut, 'catalogue');
    assert.equal(
      published,
      served,
      'contracts/openapi/catalogue.json is stale: run UPDATE_CONTRACTS=1 npm test and commit it',
    );
  });

  it('serves the API docs page', async () => {
    const page = await fetch(`${sut.url}/catalogue/docs`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /swagger/i);
  });
});
