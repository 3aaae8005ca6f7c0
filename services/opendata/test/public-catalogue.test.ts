import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { Readable } from 'node:stream';
import { join } from 'node:path';
import { FolderObjectStore } from '@openlgsp/storage';
import rdf from '@zazuko/env-node';
import jsonld from 'jsonld';
import { Parser, type Quad } from 'n3';
import SHACLValidator from 'rdf-validate-shacl';
import type { ServiceUnderTest } from '@openlgsp/http/testing';
import { v7 as uuidv7 } from 'uuid';
import { DCAT_SHAPES_PATH } from '../src/dcat/shapes.js';
import { published, retracted, sha256, startPublic, updated, versionData, waitFor } from './fixtures.js';

/**
 * The public catalogue against a real nats-server and FerretDB: the read model is fed only by
 * dataset events on the OPENDATA stream, as the authoring side publishes them.
 */
let sut: ServiceUnderTest;
const land = uuidv7();
const schools = uuidv7();
const clinics = uuidv7();
const budget = uuidv7();
const gone = uuidv7();
const bulk: string[] = [];
let storageDir: string;
// A file big enough to be asked for in ranges; its name has Vietnamese letters and a quote.
const SCHOOLS_CSV = Buffer.from(
  `ma,ten,so_hoc_sinh\n${Array.from({ length: 4000 }, (_, i) => `${i},Trường số ${i},${(i * 37) % 900}`).join('\n')}\n`,
);
const schoolsFile = { name: encodeURIComponent('trường "học".csv'), bytes: SCHOOLS_CSV };

before(async () => {
  storageDir = await mkdtemp(join(tmpdir(), 'opendata-files-'));
  const files = new FolderObjectStore(storageDir);
  // As the authoring side stores an upload: under its checksum.
  await files.put(`sha256/${sha256(SCHOOLS_CSV)}`, Readable.from([SCHOOLS_CSV]), { contentType: 'text/csv' });
  sut = await startPublic({ STORAGE_DIR: storageDir });
  const at = (day: number) => new Date(Date.UTC(2026, 2, day, 2)).toISOString();
  await published(
    sut.js,
    versionData({
      id: land,
      agency: 'STNMT',
      agencyName: 'Sở Tài nguyên và Môi trường',
      title: { vi: 'Bản đồ giá Đất đai năm 2026', en: 'Land price map 2026' },
      keywords: ['đất đai', 'giá đất'],
      themes: ['ENVI', 'ECON'],
      format: 'GEOJSON',
      publishedAt: at(1),
    }),
  );
  await published(
    sut.js,
    versionData({ id: schools, withService: true, file: schoolsFile, publishedAt: at(2) }),
  );
  await published(
    sut.js,
    versionData({
      id: clinics,
      agency: 'SYT',
      agencyName: 'Sở Y tế',
      title: { vi: 'Danh sách cơ sở khám chữa bệnh', en: 'Health facilities' },
      description: { vi: 'Các phòng khám và bệnh viện, kể cả trên đất công.', en: 'Clinics and hospitals.' },
      keywords: ['y tế'],
      themes: ['HEAL'],
      license: 'CC0-1.0',
      publishedAt: at(3),
    }),
  );
  await published(
    sut.js,
    versionData({
      id: budget,
      agency: 'STC',
      agencyName: 'Sở Tài chính',
      title: { vi: 'Dự toán ngân sách', en: 'Budget estimates' },
      keywords: ['ngân sách'],
      themes: ['ECON'],
      format: 'XLSX',
      publishedAt: at(4),
    }),
  );
  await published(
    sut.js,
    versionData({ id: gone, agency: 'STC', agencyName: 'Sở Tài chính', publishedAt: at(5) }),
  );
  for (let i = 0; i < 7; i++) {
    const id = uuidv7();
    bulk.push(id);
    await published(
      sut.js,
      versionData({
        id,
        agency: 'SXD',
        agencyName: 'Sở Xây dựng',
        title: { vi: `Giấy phép xây dựng ${i}`, en: `Building permits ${i}` },
        keywords: ['xây dựng'],
        themes: ['REGI'],
        publishedAt: at(6 + i),
      }),
    );
  }
  await updated(sut.js, {
    ...versionData(
      {
        id: schools,
        file: schoolsFile,
        withService: true,
        title: { vi: 'Danh sách trường phổ thông 2026', en: 'Schools 2026' },
        publishedAt: at(20),
      },
      2,
    ),
    changes: ['/metadata/title'],
  });
  await retracted(sut.js, {
    datasetId: gone,
    entryId: '0197a1b2-7c4d-7e8f-9a01-000000000e01',
    ownerAgency: 'STC',
    version: 1,
    cause: 'owner',
    reason: 'Dữ liệu đã được thay thế bằng tập khác',
    retractedAt: at(21),
  });
  await waitFor('the read model to hold every event', async () => {
    const [all, old] = await Promise.all([
      sut.request('GET', '/opendata/catalog?limit=1'),
      sut.request('GET', `/opendata/catalog/datasets/${gone}`),
      sut.request('GET', `/opendata/catalog/datasets/${schools}`),
    ]);
    const schoolsNow = await sut.request('GET', `/opendata/catalog/datasets/${schools}`);
    return all.body?.total === 11 && old.body?.status === 'retracted' && schoolsNow.body?.version === 2
      ? true
      : undefined;
  });
});
after(async () => {
  await sut?.stop();
  if (storageDir) await rm(storageDir, { recursive: true, force: true });
});

const search = (qs: string) => sut.request('GET', `/opendata/catalog?${qs}`);

describe('public catalogue', () => {
  it('finds "Đất đai" when a reader types "dat dai", with or without accents, in any case', async () => {
    for (const q of ['dat dai', 'ĐẤT ĐAI', 'đất', 'land price']) {
      const answer = await search(`q=${encodeURIComponent(q)}`);
      assert.equal(answer.status, 200);
      const ids = answer.body.items.map((i: { id: string }) => i.id);
      assert.ok(ids.includes(land), `'${q}' should find the land price map, got ${JSON.stringify(ids)}`);
    }
    // A title match ranks before a match in a description ("trên đất công").
    const answer = await search('q=dat');
    assert.deepEqual(
      answer.body.items.map((i: { id: string }) => i.id),
      [land, clinics],
    );
  });

  it('counts facets over every match and filters by them (any value of a facet, every facet)', async () => {
    const all = await search('limit=5');
    assert.equal(all.body.total, 11, 'the retracted dataset leaves searches');
    assert.deepEqual(all.body.facets.publisher, { STNMT: 1, SGDDT: 1, SYT: 1, STC: 1, SXD: 7 });
    assert.equal(all.body.facets.theme.ECON, 2);
    assert.equal(all.body.facets.format.API, 1);
    assert.equal(all.body.facets.licence['CC0-1.0'], 1);
    assert.equal(all.body.facets.keyword['xây dựng'], 7);

    const econ = await search('theme=ECON&publisher=STC,STNMT');
    assert.deepEqual(econ.body.items.map((i: { id: string }) => i.id).sort(), [land, budget].sort());
    const two = await search('theme=ECON&theme=HEAL&format=CSV,XLSX');
    assert.deepEqual(two.body.items.map((i: { id: string }) => i.id).sort(), [clinics, budget].sort());
    const kw = await search(`keyword=${encodeURIComponent('Y TẾ')}`);
    assert.deepEqual(
      kw.body.items.map((i: { id: string }) => i.id),
      [clinics],
    );
  });

  it('pages with a cursor, newest change first, never repeating or skipping', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const answer = await search(`limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(answer.status, 200);
      seen.push(...answer.body.items.map((i: { id: string }) => i.id));
      cursor = answer.body.next;
      pages++;
    } while (cursor);
    assert.equal(pages, 3);
    assert.equal(new Set(seen).size, 11);
    assert.equal(seen[0], schools, 'the latest update first');
  });

  it('shows a dataset, its versions, and a retracted dataset as retracted', async () => {
    const ds = await sut.request('GET', `/opendata/catalog/datasets/${schools}`);
    assert.equal(ds.status, 200);
    assert.equal(ds.body.status, 'published');
    assert.equal(ds.body.metadata.title.vi, 'Danh sách trường phổ thông 2026');
    assert.deepEqual(
      ds.body.versions.map((v: { version: number }) => v.version),
      [1, 2],
    );
    const v1 = await sut.request('GET', `/opendata/catalog/datasets/${schools}/versions/1`);
    assert.equal(v1.body.metadata.title.vi, 'Danh sách trường phổ thông');
    assert.equal((await sut.request('GET', `/opendata/catalog/datasets/${schools}/versions/3`)).status, 404);

    const old = await sut.request('GET', `/opendata/catalog/datasets/${gone}`);
    assert.equal(old.body.status, 'retracted');
    assert.deepEqual(
      { cause: old.body.retraction.cause, reason: old.body.retraction.reason },
      { cause: 'owner', reason: 'Dữ liệu đã được thay thế bằng tập khác' },
    );
    const changes = await sut.request('GET', '/opendata/catalog/changes?limit=2');
    assert.deepEqual(
      changes.body.map((c: { kind: string }) => c.kind),
      ['retracted', 'updated'],
    );
  });

  it('lists the publishers with their public dataset counts', async () => {
    const list = await sut.request('GET', '/opendata/catalog/publishers');
    const stc = list.body.find((p: { code: string }) => p.code === 'STC');
    assert.equal(stc.name, 'Sở Tài chính');
    assert.equal(stc.datasets, 1, 'the retracted one is not counted');
    assert.equal((await sut.request('GET', '/opendata/catalog/publishers/SXD')).body.datasets, 7);
    assert.equal((await sut.request('GET', '/opendata/catalog/publishers/NOPE')).status, 404);
  });

  it('refuses bad parameters with problem+json naming each one, and unknown ids with 404', async () => {
    const bad = await search(`limit=0&colour=red&cursor=${encodeURIComponent('!!')}&q=${'x'.repeat(201)}`);
    assert.equal(bad.status, 400);
    assert.match(bad.headers.get('content-type') ?? '', /application\/problem\+json/);
    assert.deepEqual(bad.body.errors.map((e: { path: string }) => e.path).sort(), [
      '?colour',
      '?cursor',
      '?limit',
      '?q',
    ]);
    const forged = await search(`cursor=${Buffer.from('[1,2]').toString('base64url')}`);
    assert.equal(forged.status, 400);
    assert.equal((await sut.request('GET', '/opendata/catalog/datasets/not-a-uuid')).status, 400);
    assert.equal((await sut.request('GET', `/opendata/catalog/datasets/${uuidv7()}`)).status, 404);
    assert.equal((await sut.request('GET', `/opendata/catalog/datasets/${schools}/versions/0`)).status, 400);
  });
});

const shapes = async () => rdf.dataset(new Parser().parse(await readFile(DCAT_SHAPES_PATH, 'utf8')));
async function violations(quads: Quad[]): Promise<string[]> {
  const report = await new SHACLValidator(await shapes(), { factory: rdf }).validate(rdf.dataset(quads));
  return report.results
    .filter((r) => r.severity?.value.endsWith('Violation'))
    .map((r) => `${r.path?.value ?? ''}: ${r.message.map((m) => m.value).join(' ')}`);
}
const fromJsonLd = async (text: string) =>
  new Parser({ format: 'N-Quads' }).parse(
    (await jsonld.toRDF(JSON.parse(text), { format: 'application/n-quads' })) as unknown as string,
  );
const fromTurtle = (text: string) => new Parser({ format: 'Turtle' }).parse(text);

describe('DCAT-AP 3', () => {
  it('serves a dataset as JSON-LD and Turtle, by Accept or suffix, valid against the shapes', async () => {
    const asked = [
      { path: `/opendata/catalog/datasets/${schools}`, accept: 'application/ld+json', type: /ld\+json/ },
      { path: `/opendata/catalog/datasets/${schools}.jsonld`, accept: '*/*', type: /ld\+json/ },
      { path: `/opendata/catalog/datasets/${schools}`, accept: 'text/turtle', type: /turtle/ },
      { path: `/opendata/catalog/datasets/${schools}.ttl`, accept: 'application/json', type: /turtle/ },
    ];
    for (const { path, accept, type } of asked) {
      const answer = await fetch(`${sut.url}${path}`, { headers: { accept } });
      assert.equal(answer.status, 200, path);
      assert.match(answer.headers.get('content-type') ?? '', type, path);
      const text = await answer.text();
      const quads = /turtle/.test(String(type)) ? fromTurtle(text) : await fromJsonLd(text);
      assert.ok(quads.length > 40, `${path}: ${quads.length} triples`);
      assert.deepEqual(await violations(quads), [], path);
    }
  });

  it('serves the catalogue in pages a harvester walks, valid against the shapes', async () => {
    const first = await fetch(`${sut.url}/opendata/catalog?pageSize=5`, {
      headers: { accept: 'application/ld+json' },
    });
    assert.equal(first.status, 200);
    const doc = JSON.parse(await first.text());
    assert.equal(doc['dcat:dataset'].length, 5);
    assert.ok(String(doc['hydra:view']['hydra:next']['@id']).endsWith('page=2'));
    assert.deepEqual(await violations(await fromJsonLd(JSON.stringify(doc))), []);
    const last = await fetch(`${sut.url}/opendata/catalog.ttl?page=3&pageSize=5`);
    assert.match(last.headers.get('content-type') ?? '', /turtle/);
    const quads = fromTurtle(await last.text());
    assert.deepEqual(await violations(quads), []);
    const bad = await sut.request('GET', '/opendata/catalog.jsonld?page=0');
    assert.equal(bad.status, 400);
  });
});

describe('CKAN Action API', () => {
  const action = (name: string, qs = '') =>
    sut.request('GET', `/opendata/api/3/action/${name}${qs ? `?${qs}` : ''}`);

  it('answers status_show in the envelope a CKAN client checks first', async () => {
    const answer = await action('status_show');
    assert.equal(answer.status, 200);
    assert.equal(answer.body.success, true);
    assert.equal(answer.body.result.ckan_version, '2.10.4');
    assert.match(answer.body.help, /help_show\?name=status_show$/);
  });

  it('lists packages and searches them as ckanapi would, with facets in both shapes', async () => {
    const list = await action('package_list', 'limit=100');
    assert.equal(list.body.result.length, 11);
    assert.ok(!list.body.result.includes(gone), 'a retracted dataset leaves the list');

    const params = new URLSearchParams({
      q: 'dat dai',
      fq: 'organization:stnmt +dataset_type:dataset',
      'facet.field': '["organization","groups","res_format","license_id","tags"]',
      rows: '5',
    });
    const found = await action('package_search', params.toString());
    assert.equal(found.status, 200);
    assert.equal(found.body.result.count, 1);
    const pkg = found.body.result.results[0];
    assert.equal(pkg.id, land);
    assert.equal(pkg.organization.name, 'stnmt');
    assert.deepEqual(pkg.groups.map((g: { name: string }) => g.name).sort(), ['econ', 'envi']);
    assert.deepEqual(found.body.result.facets.organization, { stnmt: 1 });
    assert.equal(
      found.body.result.search_facets.organization.items[0].display_name,
      'Sở Tài nguyên và Môi trường',
    );
    assert.deepEqual(found.body.result.facets.license_id, { 'cc-by': 1 });

    const tagged = await action(
      'package_search',
      new URLSearchParams({
        fq: 'tags:"xây dựng" -res_format:PDF',
        rows: '3',
        start: '3',
        sort: 'title_string asc',
      }).toString(),
    );
    assert.equal(tagged.body.result.count, 7);
    assert.deepEqual(
      tagged.body.result.results.map((p: { title: string }) => p.title),
      ['Giấy phép xây dựng 3', 'Giấy phép xây dựng 4', 'Giấy phép xây dựng 5'],
    );

    const cc0 = await sut.request('POST', '/opendata/api/3/action/package_search', {
      body: { fq: 'license_id:cc-zero', rows: 10, 'facet.field': ['groups'] },
    });
    assert.equal(cc0.status, 200);
    assert.deepEqual(
      cc0.body.result.results.map((p: { id: string }) => p.id),
      [clinics],
    );
    assert.deepEqual(cc0.body.result.facets.groups, { heal: 1 });
  });

  it("serves a harvester's incremental run: metadata_modified since its last run", async () => {
    const since = new Date(Date.UTC(2026, 2, 12, 0)).toISOString();
    const answer = await action(
      'package_search',
      new URLSearchParams({
        fq: `metadata_modified:[${since} TO *]`,
        rows: '100',
        sort: 'metadata_modified asc',
      }).toString(),
    );
    assert.equal(answer.status, 200);
    const modified = answer.body.result.results.map(
      (p: { metadata_modified: string }) => p.metadata_modified,
    );
    assert.equal(answer.body.result.count, 2, JSON.stringify(modified));
    assert.ok(modified.every((m: string) => m >= since.replace('Z', '')));
    assert.equal(answer.body.result.results.at(-1).id, schools);
  });

  it('shows a package, a retracted one as deleted, and organizations with their counts', async () => {
    const pkg = await action('package_show', `id=${schools}`);
    assert.equal(pkg.body.result.version, '2');
    assert.equal(pkg.body.result.state, 'active');
    assert.deepEqual(
      pkg.body.result.resources.map((r: { format: string }) => r.format),
      ['CSV', 'API'],
    );
    const deleted = await action('package_show', `id=${gone}`);
    assert.equal(deleted.body.result.state, 'deleted');
    assert.ok(
      deleted.body.result.extras.some(
        (e: { key: string; value: string }) => e.key === 'openlgsp_status' && e.value === 'retracted',
      ),
    );

    const orgs = await action('organization_list', 'all_fields=true&sort=package_count desc');
    assert.equal(orgs.body.result[0].name, 'sxd');
    assert.equal(orgs.body.result[0].package_count, 7);
    const names = await action('organization_list');
    assert.deepEqual(names.body.result, ['sgddt', 'stc', 'stnmt', 'sxd', 'syt']);
    const org = await action('organization_show', 'id=stc');
    assert.equal(org.body.result.package_count, 1);
    assert.equal(org.body.result.title, 'Sở Tài chính');

    const tags = await action('tag_list', `query=${encodeURIComponent('XAY')}`);
    assert.deepEqual(tags.body.result, ['xây dựng']);
  });

  it('lists recent changes as CKAN activities, newest first', async () => {
    const answer = await action('recently_changed_packages_activity_list', 'limit=3');
    const acts = answer.body.result;
    assert.deepEqual(
      acts.map((a: { activity_type: string }) => a.activity_type),
      ['deleted package', 'changed package', 'new package'],
    );
    assert.equal(acts[0].object_id, gone);
    assert.equal(acts[0].data.package.state, 'deleted');
    assert.equal(acts[1].data.package.version, '2');
    assert.equal(acts[0].user_id, 'STC');
  });

  it("refuses in CKAN's error shape: bad parameters, unknown packages and actions", async () => {
    const bad = await action('package_search', 'rows=many&fq=colour:red&sort=size');
    assert.equal(bad.status, 409);
    assert.equal(bad.body.success, false);
    assert.equal(bad.body.error.__type, 'Validation Error');
    assert.deepEqual(bad.body.error.rows, ['Invalid integer']);
    assert.ok(bad.body.error.fq && bad.body.error.sort);
    const missing = await action('package_show', `id=${uuidv7()}`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.__type, 'Not Found Error');
    const noId = await action('package_show');
    assert.equal(noId.status, 409);
    assert.deepEqual(noId.body.error.id, ['Missing value']);
    const write = await sut.request('POST', '/opendata/api/3/action/package_create', { body: { name: 'x' } });
    assert.equal(write.status, 404);
    assert.equal(write.body.error.__type, 'Not Found Error');
  });
});

describe('downloads', () => {
  async function fileUrl(): Promise<string> {
    const ds = await sut.request('GET', `/opendata/catalog/datasets/${schools}`);
    const file = ds.body.distributions.find((d: { kind: string }) => d.kind === 'file');
    return `${sut.url}/opendata/catalog/datasets/${schools}/distributions/${file.distributionId}/download`;
  }

  it('streams the file whose checksum was published, with its length, ETag and a safe name', async () => {
    const answer = await fetch(await fileUrl());
    assert.equal(answer.status, 200, answer.status === 200 ? '' : await answer.text());
    const bytes = Buffer.from(await answer.arrayBuffer());
    assert.equal(sha256(bytes), sha256(SCHOOLS_CSV));
    assert.equal(answer.headers.get('content-length'), String(SCHOOLS_CSV.length));
    assert.equal(answer.headers.get('etag'), `"sha256-${sha256(SCHOOLS_CSV)}"`);
    assert.equal(answer.headers.get('accept-ranges'), 'bytes');
    assert.match(answer.headers.get('content-type') ?? '', /^text\/csv/);
    const disposition = answer.headers.get('content-disposition') ?? '';
    assert.match(
      disposition,
      /^attachment; filename="truong_hoc_.csv"; filename\*=UTF-8''tr%C6%B0%E1%BB%9Dng%20%22h%E1%BB%8Dc%22.csv$/,
    );
  });

  it('answers 304 to a matching If-None-Match, 206 to a range and 416 outside the file', async () => {
    const url = await fileUrl();
    const etag = `"sha256-${sha256(SCHOOLS_CSV)}"`;
    assert.equal((await fetch(url, { headers: { 'if-none-match': etag } })).status, 304);
    const part = await fetch(url, { headers: { range: 'bytes=100-199' } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 100-199/${SCHOOLS_CSV.length}`);
    assert.equal(part.headers.get('content-length'), '100');
    assert.deepEqual(Buffer.from(await part.arrayBuffer()), SCHOOLS_CSV.subarray(100, 200));
    const tail = await fetch(url, { headers: { range: 'bytes=-10' } });
    assert.deepEqual(Buffer.from(await tail.arrayBuffer()), SCHOOLS_CSV.subarray(SCHOOLS_CSV.length - 10));
    const outside = await fetch(url, { headers: { range: `bytes=${SCHOOLS_CSV.length + 5}-` } });
    assert.equal(outside.status, 416);
    assert.equal(outside.headers.get('content-range'), `bytes */${SCHOOLS_CSV.length}`);
    await outside.text();
    // A version's own link never changes: it may be cached for good.
    const v1 = (await sut.request('GET', `/opendata/catalog/datasets/${schools}/versions/1`)).body
      .distributions[0];
    const old = await fetch(
      `${sut.url}/opendata/catalog/datasets/${schools}/versions/1/distributions/${v1.distributionId}/download`,
    );
    assert.equal(old.status, 200);
    assert.match(old.headers.get('cache-control') ?? '', /immutable/);
    await old.arrayBuffer();
  });

  it('refuses a service distribution, a retracted dataset and unknown ids', async () => {
    const ds = await sut.request('GET', `/opendata/catalog/datasets/${schools}`);
    const api = ds.body.distributions.find((d: { kind: string }) => d.kind === 'service');
    const notFile = await sut.request(
      'GET',
      `/opendata/catalog/datasets/${schools}/distributions/${api.distributionId}/download`,
    );
    assert.equal(notFile.status, 404);
    assert.equal(notFile.body.code, 'not-a-file');
    const old = await sut.request('GET', `/opendata/catalog/datasets/${gone}`);
    const retractedFile = await sut.request(
      'GET',
      `/opendata/catalog/datasets/${gone}/distributions/${old.body.distributions[0].distributionId}/download`,
    );
    assert.equal(retractedFile.status, 410);
    assert.equal(
      (await sut.request('GET', `/opendata/catalog/datasets/${schools}/distributions/nope/download`)).status,
      400,
    );
    assert.equal(
      (await sut.request('GET', `/opendata/catalog/datasets/${schools}/distributions/${uuidv7()}/download`))
        .status,
      404,
    );
  });
});
