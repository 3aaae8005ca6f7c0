import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { validateEnvelope, validateEventData } from '@openlgsp/contracts';
import type { ObjectStore } from '@openlgsp/storage';
import { manualClock, publishedOpenApi, serviceSuite } from '@openlgsp/http/testing';
import { OBJECT_STORE } from '../src/config.js';
import { FreshnessService } from '../src/datasets/freshness.service.js';
import { listEntry, registerAgency, withdrawEntry } from './catalogue-feed.js';
import { BAD_CSV, GOOD_CSV, schoolsMetadata, startOpendata, UPLOAD_LIMIT } from './service.js';

/**
 * The opendata service's authoring side against a real nats-server and FerretDB, files in a folder.
 * Catalogue facts arrive as catalogue events on the CATALOGUE stream; publications leave on OPENDATA.
 */
let receiver: Server;
let receiverUrl: string;
const local = (s: string) => new Date(`${s}+07:00`);
const sha256 = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');
const clock = manualClock(local('2026-12-07T09:00:00'));
const {
  sut,
  tokens: t,
  watch: feed,
} = serviceSuite(() => startOpendata(clock), {
  tokens: {
    owner: ['SGDDT', ['provider']],
    ownerSystem: ['SGDDT', ['integrator'], 'sgddt-school-system'],
    other: ['SYT', ['provider']],
    editor: ['STTTT', ['editor'], 'dic-editor'],
    dic: ['STTTT', ['dic']],
    consumer: ['SXD', ['consumer']],
  },
  watch: 'OPENDATA',
  ready: async () => {
    await registerAgency(sut.js, 'SGDDT', 'Sở Giáo dục và Đào tạo');
    // An agency's own web address for URL distributions (allow-listed: it runs on 127.0.0.1).
    receiver = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/csv' }).end('a\n1\n'));
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/truong-hoc.csv`;
  },
  cleanup: () => receiver?.close(),
});

/** Drafts until the catalogue view has the entry (it arrives by event, a moment after it is listed). */
async function draft(entryId: string, token = t.owner, body: Record<string, unknown> = {}) {
  for (let i = 0; ; i++) {
    const answer = await sut.request('POST', '/opendata/datasets', {
      token,
      body: { entryId, metadata: schoolsMetadata(), ...body },
    });
    if (answer.status !== 404 || i > 100) return answer;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function upload(
  datasetId: string,
  name: string,
  body: string | Buffer | ReadableStream,
  { token = t.owner, type = 'text/csv', query = '' } = {},
) {
  const response = await fetch(`${sut.url}/opendata/datasets/${datasetId}/distributions/${name}${query}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': type },
    body,
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit);
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

const store = () => sut.app.get<symbol, ObjectStore>(OBJECT_STORE);
const post = (path: string, token: string | undefined, body?: unknown) =>
  sut.request('POST', `/opendata/datasets${path}`, {
    ...(token ? { token } : {}),
    ...(body ? { body } : {}),
  });

/** A dataset with a checked CSV, published as version 1 through review. */
async function published(entryId: string) {
  const created = await draft(entryId);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const id = created.body.datasetId as string;
  assert.equal((await upload(id, 'truong-hoc.csv', GOOD_CSV)).status, 200);
  assert.equal((await post(`/${id}/submission`, t.owner)).status, 200);
  const answer = await post(`/${id}/publication`, t.editor);
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return id;
}

describe('authoring a dataset from draft to retraction', () => {
  it('drafts, checks files, reviews, publishes two versions and retracts, with valid public events', async () => {
    const entryId = await listEntry(sut.js, 'SGDDT');
    const created = await draft(entryId, t.owner, { links: [{ kind: 'url', accessURL: receiverUrl }] });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.datasetId as string;
    assert.equal(created.body.status, 'draft');

    const csv = await upload(id, 'truong-hoc.csv', GOOD_CSV);
    assert.equal(csv.status, 200, JSON.stringify(csv.body));
    assert.equal(csv.body.sha256, sha256(GOOD_CSV));
    assert.equal(csv.body.byteSize, Buffer.byteLength(GOOD_CSV));
    assert.equal(csv.body.check.rows, 2);
    assert.equal(csv.body.objectKey, undefined, 'where files are kept is never shown');
    const kept = await store().head(`sha256/${sha256(GOOD_CSV)}`);
    assert.equal(kept?.bytes, Buffer.byteLength(GOOD_CSV), 'the bytes are kept under their SHA-256');

    const bad = await upload(id, 'xau.csv', BAD_CSV);
    assert.equal(bad.status, 422, JSON.stringify(bad.body));
    assert.equal(bad.body.code, 'csv-check-failed');
    assert.ok(
      bad.body.problems.some((p: { line: number; column: number | null }) => p.line === 3 && p.column === 2),
      `a formula in line 3, column 2, got ${JSON.stringify(bad.body.problems)}`,
    );
    assert.ok(bad.body.errors.every((e: { path: string }) => e.path.startsWith('/lines/')));
    assert.equal(await store().head(`sha256/${sha256(BAD_CSV)}`), undefined, 'a refused file is not kept');
    const afterBad = await sut.request('GET', `/opendata/datasets/${id}`, { token: t.owner });
    assert.deepEqual(afterBad.body.draft.distributions.map((d: { kind: string }) => d.kind).sort(), [
      'file',
      'url',
    ]);

    const submitted = await post(`/${id}/submission`, t.owner);
    assert.equal(submitted.status, 200, JSON.stringify(submitted.body));
    assert.equal(submitted.body.status, 'submitted');
    assert.equal(submitted.body.accessChecks[0].reachable, true);
    const queue = await sut.request('GET', '/opendata/datasets', { token: t.editor });
    assert.ok(
      queue.body.items.some((d: { _id: string }) => d._id === id),
      'the editors see it in their queue',
    );

    const returned = await post(`/${id}/return`, t.editor, { reasons: ['Thiếu mô tả các cột'] });
    assert.equal(returned.status, 200, JSON.stringify(returned.body));
    assert.deepEqual(returned.body.returned.reasons, ['Thiếu mô tả các cột']);
    assert.equal((await post(`/${id}/submission`, t.ownerSystem)).status, 200, 'resubmitted by its system');

    const first = await post(`/${id}/publication`, t.editor);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.version, 1);
    const v1 = await feed.next(
      (e) => e.type === 'vn.openlgsp.opendata.dataset.published.v1' && e.subject === id,
    );
    const { natsSubject: _subject, ...envelope } = v1;
    assert.deepEqual(validateEnvelope(envelope), { ok: true });
    assert.equal(validateEventData(v1.type as never, v1.data).ok, true);
    const data = v1.data as {
      version: number;
      distributions: { kind: string; sha256?: string; downloadURL?: string }[];
    };
    assert.equal(data.version, 1);
    const file = data.distributions.find((d) => d.kind === 'file')!;
    assert.equal(file.sha256, sha256(GOOD_CSV), 'the public event carries what finds the bytes');
    assert.match(
      file.downloadURL!,
      /^https:\/\/opendata\.example\.gov\.vn\/catalog\/datasets\/.+\/versions\/1\/distributions\/.+\/download$/,
      'the download link should lead to the read side route that serves version 1 of the file',
    );

    const version1 = await sut.request('GET', `/opendata/datasets/${id}/versions/1`, { token: t.owner });
    assert.equal(version1.status, 200);
    assert.equal(version1.body.version, 1);
    assert.equal(version1.body.objectKeys, undefined);

    const edited = await sut.request('PUT', `/opendata/datasets/${id}`, {
      token: t.owner,
      body: {
        metadata: schoolsMetadata({
          description: {
            vi: 'Danh sách trường, cập nhật năm học 2026–2027.',
            en: 'Schools, 2026–2027 school year.',
          },
        }),
        links: [{ kind: 'url', accessURL: receiverUrl }],
      },
    });
    assert.equal(edited.status, 200, JSON.stringify(edited.body));
    assert.equal(edited.body.status, 'draft');
    assert.equal(edited.body.latestVersion, 1, 'version 1 stays public while the change is drafted');
    assert.equal((await post(`/${id}/submission`, t.owner)).status, 200);
    const second = await post(`/${id}/publication`, t.editor);
    assert.equal(second.body.version, 2);
    const v2 = await feed.next(
      (e) => e.type === 'vn.openlgsp.opendata.dataset.updated.v1' && e.subject === id,
    );
    assert.equal(validateEventData(v2.type as never, v2.data).ok, true);
    assert.ok((v2.data as { changes: string[] }).changes.includes('/metadata/description'));
    const stillOne = await sut.request('GET', `/opendata/datasets/${id}/versions/1`, { token: t.editor });
    assert.equal(
      stillOne.body.metadata.description.vi,
      schoolsMetadata().description.vi,
      'version 1 is immutable',
    );

    const retracted = await post(`/${id}/retraction`, t.owner, { reason: 'Dữ liệu được thay bằng bộ mới' });
    assert.equal(retracted.status, 200, JSON.stringify(retracted.body));
    const gone = await feed.next(
      (e) => e.type === 'vn.openlgsp.opendata.dataset.retracted.v1' && e.subject === id,
    );
    assert.equal(validateEventData(gone.type as never, gone.data).ok, true);
    assert.deepEqual(
      { cause: (gone.data as { cause: string }).cause, version: (gone.data as { version: number }).version },
      { cause: 'owner', version: 2 },
    );
  });

  it('refuses submission while the check before publication fails, saying where', async () => {
    const entryId = await listEntry(sut.js, 'SGDDT');
    const created = await draft(entryId, t.owner, { metadata: { title: { vi: 'Chỉ có tên' } } });
    const answer = await post(`/${created.body.datasetId}/submission`, t.owner);
    assert.equal(answer.status, 422);
    assert.equal(answer.body.code, 'not-publishable');
    const check = await sut.request('GET', `/opendata/datasets/${created.body.datasetId}/check`, {
      token: t.owner,
    });
    assert.ok(check.body.problems.some((p: { path: string }) => p.path === '/metadata/title/en'));
    assert.ok(check.body.problems.some((p: { path: string }) => p.path === '/distributions'));
  });

  it('refuses a draft for an entry not marked open, and a link into the platform network', async () => {
    const closed = await listEntry(sut.js, 'SGDDT', false);
    const answer = await draft(closed);
    assert.equal(answer.status, 409);
    assert.equal(answer.body.code, 'entry-not-open');
    const entryId = await listEntry(sut.js, 'SGDDT');
    const internal = await draft(entryId, t.owner, {
      links: [{ kind: 'url', accessURL: 'http://169.254.169.254/latest' }],
    });
    assert.equal(internal.status, 422);
    assert.equal(internal.body.code, 'access-url-refused');
    assert.equal(internal.body.errors[0].path, '/links/0/accessURL');
  });
});

describe('uploads', () => {
  let id: string;
  before(async () => {
    const created = await draft(await listEntry(sut.js, 'SGDDT'));
    id = created.body.datasetId;
  });

  it('answers 413 past the limit and keeps nothing, whether the size is announced or streamed', async () => {
    const big = Buffer.alloc(UPLOAD_LIMIT + 1, 'a');
    const announced = await upload(id, 'lon.csv', big);
    assert.equal(announced.status, 413);
    assert.equal(announced.body.code, 'file-too-large');
    const chunk = Buffer.alloc(64 * 1024, 'b');
    let sent = 0;
    const streamed = new ReadableStream({
      pull(controller) {
        if (sent > UPLOAD_LIMIT) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const chunked = await upload(id, 'lon.csv', streamed).catch((err: Error) => ({ status: 0, body: err }));
    // The server may close the connection once it has answered 413; either way nothing is kept.
    if (chunked.status !== 0) assert.equal(chunked.status, 413);
    assert.equal(await store().head(`sha256/${sha256(big)}`), undefined);
    const dataset = await sut.request('GET', `/opendata/datasets/${id}`, { token: t.owner });
    assert.deepEqual(dataset.body.draft.distributions, []);
  });

  it('refuses mislabelled files: the name, the content type and the first bytes must agree', async () => {
    const pdf = Buffer.from('%PDF-1.7\n1 0 obj\n');
    const asCsv = await upload(id, 'bao-cao.csv', pdf);
    assert.equal(asCsv.status, 422);
    assert.equal(asCsv.body.code, 'mislabelled');
    const wrongType = await upload(id, 'truong.csv', GOOD_CSV, { type: 'application/pdf' });
    assert.equal(wrongType.body.code, 'mislabelled');
    const wrongName = await upload(id, 'truong.pdf', GOOD_CSV, { query: '?format=CSV' });
    assert.equal(wrongName.body.code, 'mislabelled');
    assert.equal(await store().head(`sha256/${sha256(pdf)}`), undefined);
  });

  it('refuses path tricks in file names', async () => {
    for (const name of ['..%2F..%2Fetc%2Fpasswd.csv', '.hidden.csv', 'a%5Cb.csv', 'x..csv']) {
      const answer = await upload(id, name, GOOD_CSV);
      assert.ok([400, 404, 422].includes(answer.status), `${name}: ${answer.status}`);
      if (answer.status === 422) assert.equal(answer.body.code, 'file-name', name);
    }
    const dataset = await sut.request('GET', `/opendata/datasets/${id}`, { token: t.owner });
    assert.deepEqual(dataset.body.draft.distributions, []);
  });

  it('checks a CSV against the Table Schema declared for it, and keeps the schema for the next upload', async () => {
    assert.equal((await upload(id, 'so-lieu.csv', GOOD_CSV)).status, 200);
    const declare = (schema: unknown) =>
      sut.request('PUT', `/opendata/datasets/${id}/distributions/so-lieu.csv/table-schema`, {
        token: t.owner,
        body: schema,
      });
    const strict = {
      fields: [
        { name: 'schoolId', constraints: { required: true, pattern: 'T[0-9]{3}' } },
        { name: 'name' },
        { name: 'pupils', type: 'integer' },
      ],
    };
    const mismatch = await declare({
      ...strict,
      fields: [...strict.fields.slice(0, 2), { name: 'pupils', type: 'boolean' }],
    });
    assert.equal(mismatch.status, 422, JSON.stringify(mismatch.body));
    assert.equal(mismatch.body.code, 'csv-check-failed');
    assert.ok(mismatch.body.problems.every((p: { column: number }) => p.column === 3));
    const declared = await declare(strict);
    assert.equal(declared.status, 200, JSON.stringify(declared.body));
    assert.deepEqual(declared.body.tableSchema, strict);
    const again = await upload(id, 'so-lieu.csv', `${GOOD_CSV}T003,Trường mới,nhiều\n`);
    assert.equal(again.status, 422, 'the declared schema still holds');
    assert.ok(
      again.body.problems.some((p: { line: number; column: number }) => p.line === 4 && p.column === 3),
    );
    await sut.request('DELETE', `/opendata/datasets/${id}/distributions/so-lieu.csv`, { token: t.owner });
  });

  it('replaces a file uploaded again under the same name, keeping its distribution id', async () => {
    const first = await upload(id, 'truong-hoc.csv', GOOD_CSV);
    const again = await upload(id, 'truong-hoc.csv', `${GOOD_CSV}T003,Trường Tiểu học A,300\n`);
    assert.equal(again.status, 200);
    assert.equal(again.body.distributionId, first.body.distributionId);
    assert.equal(again.body.check.rows, 3);
    const removed = await sut.request('DELETE', `/opendata/datasets/${id}/distributions/truong-hoc.csv`, {
      token: t.owner,
    });
    assert.equal(removed.status, 204);
  });
});

describe('who may do what', () => {
  let id: string;
  let entryId: string;
  before(async () => {
    entryId = await listEntry(sut.js, 'SGDDT');
    id = (await draft(entryId)).body.datasetId;
  });

  it('lets only the owner agency draft, read, edit, upload and submit', async () => {
    assert.equal((await draft(entryId, t.other)).status, 403);
    assert.equal((await sut.request('GET', `/opendata/datasets/${id}`, { token: t.other })).status, 403);
    const edit = await sut.request('PUT', `/opendata/datasets/${id}`, {
      token: t.other,
      body: { metadata: schoolsMetadata() },
    });
    assert.equal(edit.status, 403);
    assert.equal((await upload(id, 'truong-hoc.csv', GOOD_CSV, { token: t.other })).status, 403);
    assert.equal((await post(`/${id}/submission`, t.other)).status, 403);
    const list = await sut.request('GET', '/opendata/datasets', { token: t.other });
    assert.ok(
      !list.body.items.some((d: { _id: string }) => d._id === id),
      "another agency's list does not show it",
    );
  });

  it('lets only editors publish or return, and the owner or DIC retract', async () => {
    assert.equal((await post(`/${id}/publication`, t.owner)).status, 403);
    assert.equal((await post(`/${id}/publication`, t.dic)).status, 403);
    assert.equal((await post(`/${id}/return`, t.owner, { reasons: ['x'] })).status, 403);
    assert.equal((await post(`/${id}/publication`, t.editor)).status, 409, 'a draft is not under review');
    assert.equal((await post(`/${id}/retraction`, t.other, { reason: 'x' })).status, 403);
    assert.equal((await post(`/${id}/retraction`, t.dic, { reason: 'x' })).status, 409, 'never published');
    assert.equal((await sut.request('GET', `/opendata/datasets/${id}`, { token: t.editor })).status, 200);
    assert.equal((await sut.request('GET', `/opendata/datasets/${id}`, { token: t.dic })).status, 200);
    assert.equal((await sut.request('GET', '/opendata/datasets', { token: t.consumer })).status, 403);
  });

  it('refuses the anonymous', async () => {
    assert.equal((await sut.request('GET', `/opendata/datasets/${id}`)).status, 401);
    assert.equal((await post('', undefined, { entryId })).status, 401);
    assert.equal((await upload(id, 'a.csv', GOOD_CSV, { token: '' })).status, 401);
    assert.equal((await sut.request('GET', '/opendata/datasets/overdue')).status, 401);
  });

  it('refuses an invalid body with the field at fault, and changes nothing', async () => {
    const answer = await post(`/${id}/return`, t.editor, { reasons: [] });
    assert.equal(answer.status, 400);
    assert.ok(answer.body.errors.some((e: { path: string }) => e.path.startsWith('/reasons')));
    const wrong = await sut.request('PUT', `/opendata/datasets/${id}`, {
      token: t.owner,
      body: { metadata: { themes: ['NOPE'] } },
    });
    assert.equal(wrong.status, 400);
    assert.equal((await sut.request('GET', `/opendata/datasets/${id}`, { token: t.owner })).body.revision, 1);
  });
});

describe('the catalogue withdraws an entry', () => {
  it("retracts the entry's datasets with that cause, once, whatever the redeliveries", async () => {
    const entryId = await listEntry(sut.js, 'SGDDT');
    const publishedId = await published(entryId);
    const draftId = (await draft(entryId)).body.datasetId as string;
    const from = feed.events.length;
    await withdrawEntry(sut.js, entryId, 'Cơ sở dữ liệu được hợp nhất');
    const gone = await feed.next(
      (e) => e.type === 'vn.openlgsp.opendata.dataset.retracted.v1' && e.subject === publishedId,
      from,
    );
    assert.deepEqual(
      { cause: (gone.data as { cause: string }).cause, reason: (gone.data as { reason: string }).reason },
      { cause: 'entry-withdrawn', reason: 'Cơ sở dữ liệu được hợp nhất' },
    );
    for (let i = 0; ; i++) {
      const d = await sut.request('GET', `/opendata/datasets/${draftId}`, { token: t.owner });
      if (d.body.status === 'retracted') break;
      assert.ok(i < 100, 'the draft closes too');
      await new Promise((r) => setTimeout(r, 50));
    }
    // The same withdrawal again (another delivery, another event id) retracts nothing twice.
    await withdrawEntry(sut.js, entryId, 'Cơ sở dữ liệu được hợp nhất');
    const marker = await published(await listEntry(sut.js, 'SGDDT'));
    await feed.next((e) => e.subject === marker, from);
    const retractions = feed.events
      .slice(from)
      .filter((e) => e.type === 'vn.openlgsp.opendata.dataset.retracted.v1' && e.subject === publishedId);
    assert.equal(retractions.length, 1);
    assert.equal((await draft(entryId)).status, 409, 'a withdrawn entry takes no new draft');
  });
});

describe('freshness', () => {
  it('lists overdue datasets for DIC and tracks the six-monthly review', async () => {
    const id = await published(await listEntry(sut.js, 'SGDDT'));
    clock.advance(400 * 86_400_000); // ANNUAL: due a year after publication
    await sut.app.get(FreshnessService).tick();
    const overdue = await sut.request('GET', '/opendata/datasets/overdue', { token: t.dic });
    assert.equal(overdue.status, 200);
    const row = overdue.body.datasets.find((d: { datasetId: string }) => d.datasetId === id);
    assert.ok(row?.daysLate > 0, JSON.stringify(overdue.body));
    assert.equal((await sut.request('GET', '/opendata/datasets/overdue', { token: t.owner })).status, 403);

    const due = await sut.request('GET', '/opendata/reviews/due', { token: t.dic });
    assert.ok(due.body.datasets.some((d: { datasetId: string }) => d.datasetId === id));
    const reviewed = await sut.request('POST', '/opendata/reviews', {
      token: t.dic,
      body: { datasetIds: [id] },
    });
    assert.equal(reviewed.status, 200, JSON.stringify(reviewed.body));
    assert.deepEqual(reviewed.body.reviewed, [id]);
    const after = await sut.request('GET', '/opendata/reviews/due', { token: t.dic });
    assert.ok(!after.body.datasets.some((d: { datasetId: string }) => d.datasetId === id));
    assert.equal(
      (await sut.request('POST', '/opendata/reviews', { token: t.editor, body: { datasetIds: [id] } }))
        .status,
      403,
    );
  });
});

describe('the published API document', () => {
  it('is what the service serves (UPDATE_CONTRACTS=1 rewrites it)', async () => {
    const { served, published: file } = await publishedOpenApi(sut, 'opendata');
    assert.equal(
      file,
      served,
      'contracts/openapi/opendata.json is stale: run the tests with UPDATE_CONTRACTS=1',
    );
  });
});
