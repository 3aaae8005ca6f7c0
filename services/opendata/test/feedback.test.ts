import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readStream, type ServiceUnderTest } from '@openlgsp/http/testing';
import { v7 as uuidv7 } from 'uuid';
import { publishOpendata, published, retracted, startPublic, versionData, waitFor } from './fixtures.js';

/**
 * Public feedback against real engines: datasets arrive by the change feed, sharing services by the
 * catalogue's service events; the sender's contact must never leave the owner and DIC.
 */
let sut: ServiceUnderTest;
const dataset = uuidv7();
const withdrawn = uuidv7();
const serviceId = uuidv7();
const retiredService = uuidv7();
const LIMIT = 6;
let t: { owner: string; otherProvider: string; dic: string; provider: string };
const contact = { name: 'Nguyễn Thị Bình', email: 'binh.nt@example.com', phone: '+84 912 345 678' };

before(async () => {
  sut = await startPublic({ OPENDATA_FEEDBACK_PER_HOUR: String(LIMIT) });
  t = {
    owner: await sut.token('SGDDT', ['provider']),
    otherProvider: await sut.token('SYT', ['provider']),
    dic: await sut.token('STTTT', ['dic']),
    provider: await sut.token('STNMT', ['provider']),
  };
  await published(sut.js, versionData({ id: dataset }));
  await published(sut.js, versionData({ id: withdrawn }));
  await retracted(sut.js, {
    datasetId: withdrawn,
    entryId: '0197a1b2-7c4d-7e8f-9a01-000000000e01',
    ownerAgency: 'SGDDT',
    version: 1,
    cause: 'dic',
    reason: 'Công bố nhầm',
    retractedAt: new Date().toISOString(),
  });
  const service = (id: string) => ({
    serviceId: id,
    entryId: uuidv7(),
    providerAgency: 'STNMT',
    name: 'Tra cứu thửa đất',
    protocol: 'rest',
    endpoint: 'https://lgsp.example.gov.vn/stnmt/parcels',
    version: '1.0',
    status: 'active',
  });
  for (const id of [serviceId, retiredService])
    await publishOpendata(
      sut.js,
      'vn.openlgsp.catalogue.service.declared.v1',
      service(id),
      id,
      '/openlgsp/catalogue',
    );
  await publishOpendata(
    sut.js,
    'vn.openlgsp.catalogue.service.retired.v1',
    { serviceId: retiredService, entryId: uuidv7(), reason: 'Thay bằng dịch vụ mới' },
    retiredService,
    '/openlgsp/catalogue',
  );
  await waitFor('the dataset and services to arrive', async () => {
    const ds = await sut.request('GET', `/opendata/catalog/datasets/${withdrawn}`);
    return ds.body?.status === 'retracted' ? true : undefined;
  });
});
after(async () => sut?.stop());

/** Sends until the target has arrived (catalogue events reach the registry a moment later). */
async function send(body: Record<string, unknown>) {
  for (let i = 0; ; i++) {
    const answer = await sut.request('POST', '/opendata/feedback', { body });
    if (answer.status !== 404 || i > 100) return answer;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('public feedback', () => {
  let onDataset: string;

  it('takes anonymous feedback on a dataset, routes it to the owner, and never shows the contact', async () => {
    const answer = await send({
      target: { kind: 'dataset', id: dataset },
      text: 'Thiếu cột địa chỉ email của trường.',
      sender: contact,
    });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    assert.equal(answer.body.ownerAgency, 'SGDDT');
    assert.equal(answer.body.status, 'received');
    onDataset = answer.body.feedbackId;
    const seen = [
      answer.body,
      (await sut.request('GET', `/opendata/feedback/${onDataset}`)).body,
      (await sut.request('GET', `/opendata/feedback?dataset=${dataset}`)).body,
      (await sut.request('GET', `/opendata/feedback/${onDataset}`, { token: t.otherProvider })).body,
    ];
    for (const body of seen) assert.doesNotMatch(JSON.stringify(body), /binh|912|Bình/, JSON.stringify(body));
    const event = (await readStream(sut.js, 'OPENDATA')).find((e) => e.subject === onDataset);
    assert.equal(event?.type, 'vn.openlgsp.opendata.feedback.received.v1');
    assert.doesNotMatch(JSON.stringify(event), /binh|912|Bình/);
    // The owner (to reply) and DIC (which routes it) see the contact.
    for (const token of [t.owner, t.dic]) {
      const full = await sut.request('GET', `/opendata/feedback/${onDataset}`, { token });
      assert.deepEqual(full.body.sender, contact);
    }
  });

  it('routes feedback on a sharing service to its provider, and refuses retired or retracted targets', async () => {
    const answer = await send({
      target: { kind: 'service', id: serviceId },
      text: 'Dịch vụ trả lỗi 500 vào buổi sáng.',
    });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    assert.equal(answer.body.ownerAgency, 'STNMT');
    for (const target of [
      { kind: 'service', id: retiredService },
      { kind: 'dataset', id: withdrawn },
      { kind: 'dataset', id: uuidv7() },
    ]) {
      const refused = await sut.request('POST', '/opendata/feedback', {
        body: { target, text: 'Một góp ý đủ dài.' },
      });
      assert.equal(refused.status, 404, JSON.stringify(target));
    }
  });

  it('is answered once, publicly, by the owner; another agency is refused', async () => {
    const stranger = await sut.request('POST', `/opendata/feedback/${onDataset}/answer`, {
      token: t.otherProvider,
      body: { answer: 'Chúng tôi sẽ bổ sung.' },
    });
    assert.equal(stranger.status, 403);
    assert.equal(
      (await sut.request('POST', `/opendata/feedback/${onDataset}/answer`, { body: { answer: 'x' } })).status,
      401,
    );
    const answered = await sut.request('POST', `/opendata/feedback/${onDataset}/answer`, {
      token: t.owner,
      body: { answer: 'Đã bổ sung cột email trong phiên bản 2.' },
    });
    assert.equal(answered.status, 200, JSON.stringify(answered.body));
    const list = await sut.request('GET', `/opendata/feedback?dataset=${dataset}`);
    assert.equal(list.body.items[0].status, 'answered');
    assert.equal(list.body.items[0].answer.text, 'Đã bổ sung cột email trong phiên bản 2.');
    const again = await sut.request('POST', `/opendata/feedback/${onDataset}/answer`, {
      token: t.dic,
      body: { answer: 'Trả lời lần hai.' },
    });
    assert.equal(again.status, 409);
  });

  it('refuses oversized or malformed feedback with problem+json naming the field, and changes nothing', async () => {
    const before = (await sut.request('GET', `/opendata/feedback?dataset=${dataset}`)).body.items.length;
    const long = await sut.request('POST', '/opendata/feedback', {
      body: { target: { kind: 'dataset', id: dataset }, text: 'a'.repeat(4001) },
    });
    assert.equal(long.status, 400);
    assert.match(long.headers.get('content-type') ?? '', /problem\+json/);
    assert.ok(
      long.body.errors.some((e: { path: string }) => e.path === '/text'),
      JSON.stringify(long.body),
    );
    const bad = await sut.request('POST', '/opendata/feedback', {
      body: {
        target: { kind: 'dataset', id: dataset },
        text: 'Góp ý hợp lệ.',
        sender: { email: 'not-an-email' },
        extra: 1,
      },
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.errors.map((e: { path: string }) => e.path).sort(), [
      '/extra',
      '/sender/email',
    ]);
    assert.equal(
      (await sut.request('GET', `/opendata/feedback?dataset=${dataset}`)).body.items.length,
      before,
    );
    assert.equal((await sut.request('GET', '/opendata/feedback')).status, 400);
  });

  it('limits how much feedback one address sends', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT; i++)
      statuses.push(
        (
          await sut.request('POST', '/opendata/feedback', {
            body: { target: { kind: 'dataset', id: dataset }, text: `Góp ý số ${i} về dữ liệu.` },
          })
        ).status,
      );
    assert.ok(statuses.includes(429), JSON.stringify(statuses));
    const refused = await sut.request('POST', '/opendata/feedback', {
      body: { target: { kind: 'dataset', id: dataset }, text: 'Một góp ý nữa về dữ liệu.' },
    });
    assert.equal(refused.status, 429);
    assert.ok(Number(refused.headers.get('retry-after')) >= 1);
  });
});
