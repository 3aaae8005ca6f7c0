import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import rdf from '@zazuko/env-node';
import jsonld from 'jsonld';
import { Parser, type Quad } from 'n3';
import SHACLValidator from 'rdf-validate-shacl';
import type { ServiceUnderTest } from '@openlgsp/http/testing';
import { v7 as uuidv7 } from 'uuid';
import { DCAT_SHAPES_PATH } from '../src/dcat/shapes.js';
import { published, retracted, startPublic, updated, versionData, waitFor } from './fixtures.js';

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

before(async () => {
  sut = await startPublic();
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
  await published(sut.js, versionData({ id: schools, withService: true, publishedAt: at(2) }));
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
after(async () => sut?.stop());

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
