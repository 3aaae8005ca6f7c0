import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { validateEnvelope } from '@openlgsp/contracts';
import { createEvent, toNatsMessage, type LgspEvent } from '@openlgsp/events';
import { jetstreamManager } from '@nats-io/jetstream';
import { MONGO_CONNECTION } from '@openlgsp/persistence';
import type { Connection } from 'mongoose';
import { v7 as uuidv7 } from 'uuid';
import {
  findEvent,
  manualClock,
  publishedOpenApi,
  readStream,
  serviceSuite,
  waitFor,
} from '@openlgsp/http/testing';
import { DUE_BATCH } from '../src/common/due.js';
import { DeadlinesScheduler } from '../src/deadlines/deadlines.scheduler.js';
import type { GrantState } from '../src/grants/grant.model.js';
import { GrantHoldingsRepository } from '../src/grants/grant-holdings.repository.js';
import { listEntryWithService, publishCatalogueEvent } from './catalogue-feed.js';
import { requestBody, startSharing } from './service.js';

/**
 * The sharing service against a real nats-server and FerretDB. Catalogue facts arrive as catalogue
 * events on the CATALOGUE stream; time moves by a manual clock, and deadline ticks are called by hand
 * (the timer runs too, every SHARING_DEADLINE_TICK_MS, but a test never waits for it).
 */
const local = (s: string) => new Date(`${s}+07:00`);
const START = local('2026-12-07T09:00:00'); // a Monday
const DAY = 86_400_000;
const clock = manualClock(START);
const { sut, tokens: t } = serviceSuite(() => startSharing(clock), {
  tokens: {
    owner: ['STNMT', ['provider']],
    ownerSystem: ['STNMT', ['integrator'], 'stnmt-land-system'],
    otherProvider: ['SYT', ['provider']],
    consumer: ['SXD', ['consumer']],
    otherConsumer: ['SGTVT', ['consumer']],
    dic: ['STTTT', ['dic']],
    auditor: ['TTRA', ['auditor']],
    publicApp: ['PORTAL', ['public-app']],
  },
});

const tick = () => sut.app.get(DeadlinesScheduler).tick();
const traceparent = () => `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
const traceOf = (tp: string | undefined) => tp?.split('-')[1];

/** Submits until the catalogue view has the entry (it arrives by event, a moment after it is listed). */
async function submit(entryId: string, body: Record<string, unknown> = {}, token = t.consumer) {
  for (let i = 0; ; i++) {
    const answer = await sut.request('POST', '/sharing/requests', {
      token,
      body: requestBody(entryId, body),
    });
    if (answer.status !== 404 || i > 100) return answer;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function listed(sharingMode: 'default' | 'request' = 'request') {
  return listEntryWithService(sut.js, 'STNMT', sharingMode);
}

const grantOf = (grantId: string) =>
  waitFor(`grant ${grantId}`, async () => {
    const g = await sut.request('GET', `/sharing/grants/${grantId}`, { token: t.dic });
    return g.status === 200 ? g.body : undefined;
  });

async function check(q: Record<string, string>, token = t.ownerSystem) {
  const answer = await sut.request('GET', `/sharing/grants/check?${new URLSearchParams(q)}`, { token });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body as { allowed: boolean; grantId?: string; reasons: { code: string }[] };
}

/** A grant's `grant.issued` event, once it is on the stream. */
const issuedEvent = (grantId: string) =>
  findEvent(sut.js, 'SHARING', (e) => e.subject === grantId && e.type.endsWith('grant.issued.v1'));

/**
 * An approved request and its grant, once `grant.issued` is on the stream: from then on the access
 * check knows of the grant (the grant document alone may be stored a moment before its holdings).
 */
async function approvedGrant(over: Record<string, unknown> = {}) {
  const { entryId, serviceId } = await listed();
  const submitted = await submit(entryId, over);
  assert.equal(submitted.status, 201, JSON.stringify(submitted.body));
  const { requestId } = submitted.body;
  const approved = await sut.request('POST', `/sharing/requests/${requestId}/approval`, {
    token: t.owner,
    body: {},
  });
  assert.equal(approved.status, 200, JSON.stringify(approved.body));
  await issuedEvent(approved.body.grantId);
  const grant = await grantOf(approved.body.grantId);
  return { entryId, serviceId, requestId, grant };
}

describe('sharing requests over HTTP', () => {
  it('a request becomes an event with a valid envelope and the HTTP trace; approval issues a grant', async () => {
    const { entryId, serviceId } = await listed();
    await submit(entryId); // warm the view
    const tp = traceparent();
    const submitted = await sut.request('POST', '/sharing/requests', {
      token: t.consumer,
      body: requestBody(entryId, { serviceId }),
      headers: { traceparent: tp },
    });
    assert.equal(submitted.status, 201, JSON.stringify(submitted.body));
    assert.equal(submitted.body.status, 'submitted');
    // Monday 7 Dec 2026 + 10 working days = Monday 21 Dec, due at local midnight after it
    assert.equal(new Date(submitted.body.dueAt).getTime(), local('2026-12-22T00:00:00').getTime());
    const { requestId } = submitted.body;
    const event = await findEvent(
      sut.js,
      'SHARING',
      (e) => e.subject === requestId && e.type.endsWith('request.submitted.v1'),
    );
    const { natsSubject: _n, ...envelope } = event;
    assert.deepEqual(validateEnvelope(envelope as never), { ok: true });
    assert.equal(event.natsSubject, 'lgsp.sharing.request.submitted');
    assert.equal(event.agency, 'SXD');
    assert.equal(traceOf(event.traceparent), traceOf(tp));

    const approveTp = traceparent();
    const approved = await sut.request('POST', `/sharing/requests/${requestId}/approval`, {
      token: t.owner,
      body: { fields: ['area'], conditions: ['Chỉ dùng cho cấp phép xây dựng'] },
      headers: { traceparent: approveTp },
    });
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    const grant = await grantOf(approved.body.grantId);
    assert.equal(grant.status, 'active');
    assert.equal(grant.origin, 'approval');
    assert.deepEqual(grant.fields, ['area']);
    const issued = await findEvent(
      sut.js,
      'SHARING',
      (e) => e.subject === requestId && e.type.endsWith('grant.issued.v1'),
    );
    // The grant is issued by a reaction to the approval event, in the approval's trace.
    assert.equal(traceOf(issued.traceparent), traceOf(approveTp));

    assert.equal((await check({ holder: 'SXD', entryId, serviceId, fields: 'area' })).allowed, true);
    const denied = await check({ holder: 'SXD', entryId, serviceId, fields: 'area,ownerName' });
    assert.equal(denied.allowed, false);
    assert.equal(denied.reasons[0]?.code, 'field-not-granted');
  });

  it('allows access as soon as grant.issued is on the stream: the holdings are written before it', async () => {
    const { entryId } = await listed();
    const submitted = await submit(entryId);
    assert.equal(submitted.status, 201, JSON.stringify(submitted.body));
    const approved = await sut.request('POST', `/sharing/requests/${submitted.body.requestId}/approval`, {
      token: t.owner,
      body: {},
    });
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    await issuedEvent(approved.body.grantId);
    // No waiting for the grant or its holdings: a holder told by the event may check at once.
    const answer = await check({ holder: 'SXD', entryId }, t.consumer);
    assert.equal(answer.allowed, true, `the check should allow at once: ${JSON.stringify(answer)}`);
    assert.equal(answer.grantId, approved.body.grantId);
  });

  it('grants default-shared data at once, the request kept for the trail', async () => {
    const { entryId } = await listed('default');
    const submitted = await submit(entryId);
    assert.equal(submitted.status, 201, JSON.stringify(submitted.body));
    assert.equal(submitted.body.status, 'approved');
    assert.equal(submitted.body.mode, 'default');
    await issuedEvent(submitted.body.grantId);
    const grant = await grantOf(submitted.body.grantId);
    assert.equal(grant.origin, 'default');
    assert.equal((await check({ holder: 'SXD', entryId, fields: 'parcelId' })).allowed, true);
  });

  it('two providers deciding at once: exactly one decision', async () => {
    const { entryId } = await listed();
    const { requestId } = (await submit(entryId)).body;
    const before = (await readStream(sut.js, 'SHARING')).filter((e) => e.subject === requestId).length;
    const answers = await Promise.all([
      sut.request('POST', `/sharing/requests/${requestId}/approval`, { token: t.owner, body: {} }),
      sut.request('POST', `/sharing/requests/${requestId}/refusal`, {
        token: t.ownerSystem,
        body: { reasons: 'Không phù hợp', legalBasis: [{ instrument: 'Luật Đất đai 2024' }] },
      }),
      sut.request('POST', `/sharing/requests/${requestId}/approval`, { token: t.ownerSystem, body: {} }),
    ]);
    const won = answers.filter((a) => a.status < 300);
    assert.equal(won.length, 1, JSON.stringify(answers.map((a) => [a.status, a.body])));
    for (const lost of answers.filter((a) => a.status >= 300)) assert.equal(lost.status, 409);
    await new Promise((r) => setTimeout(r, 300));
    const decisions = (await readStream(sut.js, 'SHARING')).filter(
      (e) => e.subject === requestId && /request\.(approved|refused)\.v1$/.test(e.type),
    );
    assert.equal(decisions.length, 1);
    assert.ok((await readStream(sut.js, 'SHARING')).filter((e) => e.subject === requestId).length > before);
  });

  it('refuses a refusal without reasons or legal basis, and changes nothing', async () => {
    const { entryId } = await listed();
    const { requestId } = (await submit(entryId)).body;
    const before = (await readStream(sut.js, 'SHARING')).length;
    const noBasis = await sut.request('POST', `/sharing/requests/${requestId}/refusal`, {
      token: t.owner,
      body: { reasons: 'Không phù hợp' },
    });
    assert.equal(noBasis.status, 400);
    assert.match(noBasis.headers.get('content-type') ?? '', /application\/problem\+json/);
    assert.ok(
      noBasis.body.errors.some((e: { path: string }) => e.path === '/legalBasis'),
      JSON.stringify(noBasis.body),
    );
    const blank = await sut.request('POST', `/sharing/requests/${requestId}/refusal`, {
      token: t.owner,
      body: { reasons: '', legalBasis: [{ instrument: 'Luật Đất đai 2024' }] },
    });
    assert.equal(blank.status, 400);
    const request = await sut.request('GET', `/sharing/requests/${requestId}`, { token: t.owner });
    assert.equal(request.body.status, 'submitted');
    assert.equal((await readStream(sut.js, 'SHARING')).length, before);
  });

  it('authorises by role and agency, with 403 problems and lists filtered by role', async () => {
    const { entryId } = await listed();
    const { requestId } = (await submit(entryId)).body;
    const foreign = await sut.request('POST', `/sharing/requests/${requestId}/approval`, {
      token: t.otherProvider,
      body: {},
    });
    assert.equal(foreign.status, 403);
    assert.equal(foreign.body.code, 'not-owner');
    assert.equal(
      (await sut.request('POST', `/sharing/requests/${requestId}/approval`, { token: t.consumer, body: {} }))
        .status,
      403,
    );
    assert.equal(
      (await sut.request('GET', `/sharing/requests/${requestId}`, { token: t.otherConsumer })).status,
      403,
    );
    assert.equal((await sut.request('GET', '/sharing/requests', { token: t.publicApp })).status, 403);
    assert.equal((await sut.request('GET', '/sharing/requests')).status, 401);
    assert.equal((await submit(entryId, {}, t.owner)).status, 403);

    const mine = await sut.request('GET', '/sharing/requests?limit=200', { token: t.consumer });
    assert.ok(mine.body.items.length > 0);
    assert.ok(mine.body.items.every((r: { requesterAgency: string }) => r.requesterAgency === 'SXD'));
    const theirs = await sut.request('GET', '/sharing/requests?limit=200', { token: t.otherConsumer });
    assert.equal(theirs.body.items.length, 0);
    const provider = await sut.request('GET', `/sharing/requests?entryId=${entryId}`, { token: t.owner });
    assert.ok(provider.body.items.some((r: { _id: string }) => r._id === requestId));
    const other = await sut.request('GET', '/sharing/requests?limit=200', { token: t.otherProvider });
    assert.equal(other.body.items.length, 0);
    const dic = await sut.request('GET', '/sharing/requests?limit=200', { token: t.dic });
    assert.ok(dic.body.items.length >= mine.body.items.length);
  });

  it('answers malformed and unknown input with problem+json, changing nothing', async () => {
    const { entryId } = await listed();
    await submit(entryId);
    const before = (await readStream(sut.js, 'SHARING')).length;
    const cases: [string, Record<string, unknown> | string][] = [
      ['unknown field', requestBody(entryId, { fields: ['parcelId', 'secretField'] })],
      ['extra property', { ...requestBody(entryId), admin: true }],
      [
        'bad period',
        requestBody(entryId, { period: { from: '2027-13-01T00:00:00Z', until: '2028-01-01T00:00:00Z' } }),
      ],
      ['empty fields', requestBody(entryId, { fields: [] })],
      ['no contact', { ...requestBody(entryId), contact: undefined }],
      ['not a uuid', requestBody('not-a-uuid')],
      ['unknown entry', requestBody(randomUUID())],
      ['malformed JSON', '{"entryId": '],
    ];
    for (const [what, body] of cases) {
      const answer = await sut.request('POST', '/sharing/requests', {
        token: t.consumer,
        ...(typeof body === 'string' ? { rawBody: body } : { body }),
      });
      assert.ok(
        [400, 404, 422].includes(answer.status),
        `${what}: ${answer.status} ${JSON.stringify(answer.body)}`,
      );
      assert.match(answer.headers.get('content-type') ?? '', /application\/problem\+json/, what);
    }
    assert.equal((await sut.request('GET', '/sharing/requests/not-a-uuid', { token: t.dic })).status, 400);
    assert.equal(
      (await sut.request('GET', `/sharing/requests/${randomUUID()}`, { token: t.dic })).status,
      404,
    );
    assert.equal(
      (
        await sut.request('GET', `/sharing/grants/check?holder=SXD&entryId=${entryId}&fields=a;b`, {
          token: t.dic,
        })
      ).status,
      400,
    );
    assert.equal((await readStream(sut.js, 'SHARING')).length, before);
  });
});

describe('disputes, suspension, termination and usage reports', () => {
  it('a refused request is disputed; DIC orders sharing and the grant follows', async () => {
    const { entryId } = await listed();
    const { requestId } = (await submit(entryId)).body;
    const refused = await sut.request('POST', `/sharing/requests/${requestId}/refusal`, {
      token: t.owner,
      body: {
        reasons: 'Dữ liệu cá nhân',
        legalBasis: [{ instrument: 'Nghị định 13/2023/NĐ-CP', article: '11' }],
      },
    });
    assert.equal(refused.status, 204, JSON.stringify(refused.body));
    const opened = await sut.request('POST', '/sharing/disputes', {
      token: t.consumer,
      body: { requestId, statement: 'Cần dữ liệu cho thủ tục hành chính' },
    });
    assert.equal(opened.status, 201, JSON.stringify(opened.body));
    assert.equal(opened.body.ground, 'refusal');
    const again = await sut.request('POST', '/sharing/disputes', {
      token: t.consumer,
      body: { requestId, statement: 'lần nữa' },
    });
    assert.equal(again.status, 409);
    const notDic = await sut.request('POST', `/sharing/disputes/${requestId}/decision`, {
      token: t.owner,
      body: { outcome: 'upheld', reasons: 'x' },
    });
    assert.equal(notDic.status, 403);
    const decided = await sut.request('POST', `/sharing/disputes/${requestId}/decision`, {
      token: t.dic,
      body: { outcome: 'sharing-ordered', reasons: 'Thuộc diện phải chia sẻ', fields: ['parcelId'] },
    });
    assert.equal(decided.status, 204, JSON.stringify(decided.body));
    const grant = await grantOf(requestId);
    assert.equal(grant.origin, 'dispute');
    assert.deepEqual(grant.fields, ['parcelId']);
    const final = await sut.request('POST', `/sharing/disputes/${requestId}/decision`, {
      token: t.dic,
      body: { outcome: 'upheld', reasons: 'đổi ý' },
    });
    assert.equal(final.status, 409);
  });

  it('suspends, resumes and terminates a grant; the check follows', async () => {
    const { entryId, grant } = await approvedGrant();
    const path = `/sharing/grants/${grant._id}`;
    const s = await sut.request('POST', `${path}/suspension`, {
      token: t.owner,
      body: { cause: 'breach', reason: 'Dùng sai mục đích' },
    });
    assert.equal(s.status, 204, JSON.stringify(s.body));
    assert.equal((await check({ holder: 'SXD', entryId })).reasons[0]?.code, 'grant-suspended');
    assert.equal((await sut.request('POST', `${path}/resumption`, { token: t.otherProvider })).status, 403);
    assert.equal((await sut.request('POST', `${path}/resumption`, { token: t.dic })).status, 204);
    assert.equal((await check({ holder: 'SXD', entryId })).allowed, true);
    assert.equal(
      (await sut.request('POST', `${path}/termination`, { token: t.owner, body: { reason: 'Hết nhu cầu' } }))
        .status,
      204,
    );
    assert.equal((await check({ holder: 'SXD', entryId })).reasons[0]?.code, 'grant-terminated');
  });

  it("never lets an older state of a grant replace a newer one in the check's holdings", async () => {
    const { entryId, grant } = await approvedGrant();
    const suspended = await sut.request('POST', `/sharing/grants/${grant._id}/suspension`, {
      token: t.owner,
      body: { cause: 'breach', reason: 'Dùng sai mục đích' },
    });
    assert.equal(suspended.status, 204, JSON.stringify(suspended.body));
    // A late writer (a slow repair, a redelivery) records the grant as it was when issued.
    const holdings = sut.app.get(GrantHoldingsRepository);
    await holdings.record(grant as GrantState);
    assert.deepEqual(
      (await holdings.of('SXD', entryId)).map((g) => g.status),
      ['suspended'],
      'the stored holdings (what the view is rebuilt from) should keep the suspension, the newer revision',
    );
    assert.equal((await check({ holder: 'SXD', entryId })).reasons[0]?.code, 'grant-suspended');
  });

  it("repairs the check's holdings from the grant's events after a crash between the two writes", async () => {
    const { entryId, grant } = await approvedGrant();
    const db = sut.app.get<Connection>(MONGO_CONNECTION).db!;
    // Let the holdings consumer apply the issue first (it would otherwise rewrite what is deleted next).
    const jsm = await jetstreamManager(sut.nc);
    await waitFor('the holdings consumer to settle', async () => {
      const info = await jsm.consumers.info('SHARING', 'sharing-holdings');
      return info.num_pending + info.num_ack_pending === 0 ? true : undefined;
    });
    // As if the service stopped after writing the grant and before writing the holdings:
    await db.collection<{ _id: string }>('grant_holdings').deleteOne({ _id: `SXD|${entryId}` });
    const holdings = sut.app.get(GrantHoldingsRepository);
    assert.deepEqual(await holdings.of('SXD', entryId), []);
    // The grant's event reaches the holdings consumer (here a second copy of it, as a sweep would send).
    const issued = await findEvent(
      sut.js,
      'SHARING',
      (e) => e.subject === grant._id && e.type.endsWith('grant.issued.v1'),
    );
    const copy = { ...issued, id: uuidv7() } as LgspEvent;
    delete (copy as { natsSubject?: string }).natsSubject;
    const { headers, body } = toNatsMessage(copy);
    await sut.js.publish('lgsp.sharing.grant.issued', body, { headers, msgID: copy.id });
    await waitFor('the repaired holdings', async () =>
      (await holdings.of('SXD', entryId)).length === 1 ? true : undefined,
    );
    assert.equal((await check({ holder: 'SXD', entryId })).allowed, true);
  });

  it("answers from memory: another instance's grant event changes the answer, which says how fresh it is", async () => {
    const { entryId, grant } = await approvedGrant();
    const before = (await check({ holder: 'SXD', entryId })) as Awaited<ReturnType<typeof check>> & {
      asOf: { sharingSeq: number; catalogueSeq: number; changedAt: string };
    };
    assert.equal(before.allowed, true);
    assert.ok(before.asOf.catalogueSeq > 0 && before.asOf.sharingSeq > 0, JSON.stringify(before.asOf));
    // Another instance terminates the grant: its write to the store, then its event on the stream.
    const db = sut.app.get<Connection>(MONGO_CONNECTION).db!;
    await db
      .collection<{ _id: string }>('grants')
      .updateOne({ _id: grant._id }, { $set: { status: 'terminated' }, $inc: { revision: 1 } });
    assert.equal(
      (await check({ holder: 'SXD', entryId })).allowed,
      true,
      'the store alone does not change the answer: the view follows events',
    );
    const terminated = createEvent(
      'vn.openlgsp.sharing.grant.terminated.v1',
      {
        grantId: grant._id,
        entryId,
        ownerAgency: 'STNMT',
        holderAgency: 'SXD',
        cause: 'provider',
        reason: 'Hết nhu cầu',
      },
      { source: '/openlgsp/sharing', subject: grant._id },
    );
    const { headers, body } = toNatsMessage(terminated);
    const ack = await sut.js.publish('lgsp.sharing.grant.terminated', body, {
      headers,
      msgID: terminated.id,
    });
    const after = await waitFor('the answer to follow the event', async () => {
      const answer = await sut.request('GET', `/sharing/grants/check?holder=SXD&entryId=${entryId}`, {
        token: t.ownerSystem,
      });
      return answer.body.reasons?.[0]?.code === 'grant-terminated' ? answer.body : undefined;
    });
    assert.ok(after.asOf.sharingSeq >= ack.seq, `the answer says it has applied ${ack.seq}`);
  });

  it('a withdrawn entry ends its grants, and the holder is told by event', async () => {
    const { entryId, grant } = await approvedGrant();
    await publishCatalogueEvent(
      sut.js,
      'vn.openlgsp.catalogue.entry.withdrawn.v1',
      { entryId, version: 2, reason: 'Thay thế' },
      entryId,
    );
    const ended = await findEvent<{ holderAgency: string; cause: string }>(
      sut.js,
      'SHARING',
      (e) => e.subject === grant._id && e.type.endsWith('grant.terminated.v1'),
    );
    assert.equal(ended.data.holderAgency, 'SXD');
    assert.equal(ended.data.cause, 'entry-withdrawn');
    assert.equal((await check({ holder: 'SXD', entryId })).reasons[0]?.code, 'entry-withdrawn');
    const refused = await submit(entryId);
    assert.equal(refused.status, 409);
  });

  it('a withdrawn entry ends every grant on it, more than one batch of them', async () => {
    const { entryId } = await listed();
    await submit(entryId);
    const db = sut.app.get<Connection>(MONGO_CONNECTION).db!;
    const count = DUE_BATCH + 5;
    const validity = { from: START, until: new Date(START.getTime() + 90 * DAY) };
    const ids = Array.from({ length: count }, () => uuidv7());
    // As the service stores a grant: in its entry's list (by `_id`, issue 12), then the grant itself.
    await db
      .collection<{ _id: string; ids: string[] }>('grants_of_scope')
      .updateOne({ _id: `entry|${entryId}` }, { $addToSet: { ids: { $each: ids } } }, { upsert: true });
    await db.collection<{ _id: string }>('grants').insertMany(
      ids.map((id, i) => {
        return {
          _id: id,
          revision: 1,
          origin: 'approval',
          requestId: id,
          entryId,
          ownerAgency: 'STNMT',
          holderAgency: `H${i}`,
          fields: ['area'],
          validity,
          conditions: [],
          status: 'active',
          suspension: null,
          ended: null,
          issuedAt: START,
          updatedAt: START,
          outbox: [],
        };
      }),
    );
    await publishCatalogueEvent(
      sut.js,
      'vn.openlgsp.catalogue.entry.withdrawn.v1',
      { entryId, version: 2, reason: 'Thay thế' },
      entryId,
    );
    await waitFor(
      'every grant to end',
      async () =>
        (await db.collection('grants').countDocuments({ entryId, status: 'terminated' })) === count
          ? true
          : undefined,
      60_000,
      // This count reads the whole collection on FerretDB, one command at a time with the service's.
      500,
    );
  });

  it('a provider demands a usage report; the holder answers through NATS intake', async () => {
    const { grant } = await approvedGrant();
    const demanded = await sut.request('POST', '/sharing/usage-report-demands', {
      token: t.owner,
      body: { grantId: grant._id, reason: 'Lượt truy vấn tăng bất thường' },
    });
    assert.equal(demanded.status, 201, JSON.stringify(demanded.body));
    const event = createEvent(
      'vn.openlgsp.sharing.usage-report.answered.v1',
      { demandId: demanded.body.demandId, summary: 'Chỉ dùng cho cấp phép xây dựng', requests: 120 },
      { source: '/agencies/SXD/qlxd', agency: 'SXD', actor: 'sxd-system' },
    );
    const { headers, body } = toNatsMessage(event);
    await sut.js.publish('lgsp.intake.SXD.sharing.usage-report.answered', body, { headers, msgID: event.id });
    const answered = await waitFor('the answer', async () => {
      const d = await sut.request('GET', `/sharing/usage-report-demands/${demanded.body.demandId}`, {
        token: t.owner,
      });
      return d.body.status === 'answered' ? d.body : undefined;
    });
    assert.equal(answered.report.requests, 120);
  });
});

describe('intake', () => {
  it('files a request from NATS once, however often the event comes; refuses a bad one with reasons', async () => {
    const { entryId } = await listed();
    await submit(entryId); // the view knows the entry
    const filed = createEvent('vn.openlgsp.sharing.request.filed.v1', requestBody(entryId), {
      source: '/agencies/SXD/qlxd',
      agency: 'SXD',
      actor: 'sxd-system',
    });
    const { headers, body } = toNatsMessage(filed);
    await sut.js.publish('lgsp.intake.SXD.sharing.request.filed', body, { headers, msgID: filed.id });
    const request = await waitFor('the filed request', async () => {
      const r = await sut.request('GET', `/sharing/requests/${filed.id}`, { token: t.consumer });
      return r.status === 200 ? r.body : undefined;
    });
    assert.equal(request.requesterAgency, 'SXD');
    // republished with a new NATS message id: the request id is the event id, nothing is filed twice
    await sut.js.publish('lgsp.intake.SXD.sharing.request.filed', body, { headers, msgID: randomUUID() });
    await new Promise((r) => setTimeout(r, 500));
    const submitted = (await readStream(sut.js, 'SHARING')).filter(
      (e) => e.subject === filed.id && e.type.endsWith('request.submitted.v1'),
    );
    assert.equal(submitted.length, 1);

    const bad = createEvent(
      'vn.openlgsp.sharing.request.filed.v1',
      requestBody(entryId, { fields: ['nope'] }),
      { source: '/agencies/SXD/qlxd', agency: 'SXD', actor: 'sxd-system' },
    );
    const m = toNatsMessage(bad);
    await sut.js.publish('lgsp.intake.SXD.sharing.request.filed', m.body, {
      headers: m.headers,
      msgID: bad.id,
    });
    const rejection = await findEvent<{ eventId: string; reasons: { code: string; path?: string }[] }>(
      sut.js,
      'REJECTED',
      (e) => (e.data as { eventId?: string }).eventId === bad.id,
    );
    assert.equal(rejection.natsSubject, 'lgsp.rejected.SXD');
    assert.equal(rejection.data.reasons[0]?.code, 'unknown-field');
    assert.equal(rejection.data.reasons[0]?.path, '/data/fields/0');
  });

  it('accepts a request over POST /sharing/events, as the integrator itself', async () => {
    const { entryId } = await listed();
    await submit(entryId);
    const sxdSystem = await sut.token('SXD', ['integrator'], 'sxd-system');
    const id = '019ab000-0000-7000-8000-' + randomBytes(6).toString('hex');
    const accepted = await sut.request('POST', '/sharing/events', {
      token: sxdSystem,
      headers: {
        'ce-specversion': '1.0',
        'ce-id': id,
        'ce-type': 'vn.openlgsp.sharing.request.filed.v1',
        'ce-source': '/agencies/SXD/qlxd',
        'ce-time': new Date().toISOString(),
        'ce-agency': 'SXD',
      },
      body: requestBody(entryId),
    });
    assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
    const request = await waitFor('the request', async () => {
      const r = await sut.request('GET', `/sharing/requests/${id}`, { token: t.consumer });
      return r.status === 200 ? r.body : undefined;
    });
    assert.equal(request.requestedBy, 'sxd-system');
  });

  it('applies a redelivered catalogue event once', async () => {
    const { entryId } = await listed();
    await submit(entryId);
    const amended = await publishCatalogueEvent(
      sut.js,
      'vn.openlgsp.catalogue.entry.amended.v1',
      {
        entryId,
        version: 2,
        content: { ...(await import('./catalogue-feed.js')).entryContent('STNMT', 'default') },
      },
      entryId,
    );
    const { headers, body } = toNatsMessage(amended as LgspEvent);
    // a second copy under another NATS id: only the event id can tell it is the same fact
    await sut.js.publish('lgsp.catalogue.entry.amended', body, { headers, msgID: randomUUID() });
    const granted = await waitFor('default sharing after the amendment', async () => {
      const a = await submit(entryId);
      return a.body.mode === 'default' ? a.body : undefined;
    });
    assert.equal(granted.status, 'approved');
    // an older version arriving late changes nothing
    await publishCatalogueEvent(
      sut.js,
      'vn.openlgsp.catalogue.entry.amended.v1',
      {
        entryId,
        version: 1,
        content: (await import('./catalogue-feed.js')).entryContent('STNMT', 'request'),
      },
      entryId,
    );
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await submit(entryId)).body.mode, 'default');
  });
});

describe('time-driven rules, by the clock, across a restart', () => {
  it('reminds, then escalates to DIC past the due date, once each, after a restart', async () => {
    const { entryId } = await listed();
    const { requestId, dueAt } = (await submit(entryId)).body;
    await tick();
    clock.set(new Date(new Date(dueAt).getTime() - 2 * DAY)); // within the reminder window
    await tick();
    await findEvent(
      sut.js,
      'SHARING',
      (e) => e.subject === requestId && e.type.endsWith('request.reminded.v1'),
    );
    await sut.restart(); // nothing about deadlines lives in memory
    clock.set(new Date(new Date(dueAt).getTime() + 1000));
    await sut.app.get(DeadlinesScheduler).tick();
    await tick();
    const escalated = await findEvent(
      sut.js,
      'SHARING',
      (e) => e.subject === requestId && e.type.endsWith('request.escalated.v1'),
    );
    assert.equal(escalated.agency, undefined);
    const all = (await readStream(sut.js, 'SHARING')).filter((e) => e.subject === requestId);
    assert.equal(all.filter((e) => e.type.endsWith('request.reminded.v1')).length, 1);
    assert.equal(all.filter((e) => e.type.endsWith('request.escalated.v1')).length, 1);
    const overdue = await sut.request('GET', '/sharing/requests?escalated=true&limit=200', { token: t.dic });
    assert.ok(overdue.body.items.some((r: { _id: string }) => r._id === requestId));
    // an overdue request may be disputed
    const opened = await sut.request('POST', '/sharing/disputes', {
      token: t.consumer,
      body: { requestId, statement: 'Quá hạn' },
    });
    assert.equal(opened.status, 201, JSON.stringify(opened.body));
    assert.equal(opened.body.ground, 'overdue');
  });

  it('expires a grant at the end of its validity', async () => {
    clock.set(START);
    const { entryId, grant } = await approvedGrant({
      period: { from: '2026-12-01T00:00:00+07:00', until: '2026-12-31T00:00:00+07:00' },
    });
    assert.equal((await check({ holder: 'SXD', entryId })).allowed, true);
    clock.set(local('2026-12-31T00:00:01'));
    await tick();
    const expired = await findEvent(
      sut.js,
      'SHARING',
      (e) => e.subject === grant._id && e.type.endsWith('grant.expired.v1'),
    );
    assert.ok(expired);
    assert.equal((await check({ holder: 'SXD', entryId })).reasons[0]?.code, 'grant-expired');
    clock.set(START);
  });

  it('a planned suspension needs 7 working days of notice, takes effect at its start and ends at restoration', async () => {
    clock.set(START);
    const { entryId, serviceId, grant } = await approvedGrant();
    await approvedGrant(); // another entry's grant, untouched
    const serviceGrant = await (async () => {
      const { requestId } = (await submit(entryId, { serviceId }, t.otherConsumer)).body;
      const ok = await sut.request('POST', `/sharing/requests/${requestId}/approval`, {
        token: t.owner,
        body: {},
      });
      await issuedEvent(ok.body.grantId);
      return grantOf(ok.body.grantId);
    })();
    const tooSoon = await sut.request('POST', '/sharing/planned-suspensions', {
      token: t.owner,
      body: {
        serviceId,
        reason: 'Nâng cấp',
        startsAt: '2026-12-15T22:00:00+07:00',
        expectedRestorationAt: '2026-12-16T06:00:00+07:00',
      },
    });
    assert.equal(tooSoon.status, 422, JSON.stringify(tooSoon.body));
    assert.equal(tooSoon.body.code, 'notice-too-short');
    const announced = await sut.request('POST', '/sharing/planned-suspensions', {
      token: t.owner,
      body: {
        serviceId,
        reason: 'Nâng cấp',
        startsAt: '2026-12-16T22:00:00+07:00',
        expectedRestorationAt: '2026-12-17T06:00:00+07:00',
      },
    });
    assert.equal(announced.status, 201, JSON.stringify(announced.body));
    const { suspensionId } = announced.body;
    const publicView = await sut.request('GET', `/sharing/planned-suspensions/${suspensionId}`);
    assert.equal(publicView.status, 200);
    assert.equal(publicView.body.status, 'announced');

    clock.set(local('2026-12-16T22:00:00'));
    await tick();
    assert.equal(
      (await sut.request('GET', `/sharing/planned-suspensions/${suspensionId}`)).body.status,
      'in-effect',
    );
    const suspended = await sut.request('GET', `/sharing/grants/${serviceGrant._id}`, { token: t.dic });
    assert.equal(suspended.body.status, 'suspended');
    assert.equal(suspended.body.suspension.cause, 'planned-suspension');
    const q = { holder: 'SGTVT', entryId, serviceId };
    assert.equal((await check(q)).reasons[0]?.code, 'service-planned-suspension');
    // an entry-wide grant is not suspended, but the service is not served meanwhile
    assert.equal(
      (await sut.request('GET', `/sharing/grants/${grant._id}`, { token: t.dic })).body.status,
      'active',
    );
    assert.equal((await check({ holder: 'SXD', entryId, serviceId })).allowed, false);
    assert.equal((await check({ holder: 'SXD', entryId })).allowed, true);

    await sut.restart();
    clock.set(local('2026-12-17T06:00:00'));
    await tick();
    assert.equal(
      (await sut.request('GET', `/sharing/planned-suspensions/${suspensionId}`)).body.status,
      'restored',
    );
    assert.equal(
      (await sut.request('GET', `/sharing/grants/${serviceGrant._id}`, { token: t.dic })).body.status,
      'active',
    );
    assert.equal((await check(q)).allowed, true);
    clock.set(START);
  });

  it('flags an unanswered usage-report demand to DIC past its due date', async () => {
    clock.set(START);
    const { grant } = await approvedGrant();
    const demanded = await sut.request('POST', '/sharing/usage-report-demands', {
      token: t.owner,
      body: { grantId: grant._id, reason: 'Nghi dùng sai mục đích' },
    });
    const { demandId, dueAt } = demanded.body;
    clock.set(new Date(new Date(dueAt).getTime() + 1000));
    await tick();
    await tick();
    const flags = (await readStream(sut.js, 'SHARING')).filter(
      (e) => e.subject === demandId && e.type.endsWith('usage-report.overdue.v1'),
    );
    assert.equal(flags.length, 1);
    clock.set(START);
  });
});

describe('the published OpenAPI document', () => {
  it('is served at /sharing/openapi.json and matches contracts/openapi/sharing.json', async () => {
    const { served, published } = await publishedOpenApi(sut, 'sharing');
    assert.equal(
      published,
      served,
      'contracts/openapi/sharing.json is stale: run UPDATE_CONTRACTS=1 npm test and commit it',
    );
  });
});
