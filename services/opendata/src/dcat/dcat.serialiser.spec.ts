import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import rdf from '@zazuko/env-node';
import jsonld from 'jsonld';
import { Parser, type Quad } from 'n3';
import SHACLValidator from 'rdf-validate-shacl';
import { unwrap } from '@openlgsp/domain';
import {
  context,
  dcatLinks,
  DATASET_ID,
  editor,
  MONDAY,
  owner,
  schoolsContent,
  schoolsEntry,
} from '../common/fixtures.js';
import type { DatasetVersion } from '../datasets/dataset.model.js';
import { createDraft, publish, submit } from '../datasets/dataset.rules.js';
import { DEFAULT_LICENCES } from '../vocabularies/licences.js';
import {
  catalogDocument,
  datasetDocument,
  toNQuads,
  toTurtle,
  type CatalogDataset,
  type CatalogInfo,
  type DcatContext,
} from './dcat.serialiser.js';
import { schemaOrgDataset } from './schema-org.js';
import { DCAT_SHAPES_PATH } from './shapes.js';

const BASE = 'https://opendata.example.gov.vn';
const ctx: DcatContext = {
  licences: DEFAULT_LICENCES,
  links: dcatLinks,
};
const info: CatalogInfo = {
  title: { vi: 'Dữ liệu mở tỉnh Kon Tum', en: 'Kon Tum open data' },
  description: { vi: 'Danh mục dữ liệu mở của tỉnh.', en: "The province's open-data catalogue." },
  publisher: { code: 'STTTT', name: 'Sở Khoa học và Công nghệ' },
  province: { code: '62', name: 'Kon Tum' },
  modified: MONDAY,
};

/** A published version as the rules make it, with a described distribution (every recommended property). */
function version(): DatasetVersion {
  const content = schoolsContent();
  content.distributions[0]!.description = {
    vi: 'Danh sách đầy đủ, một trường mỗi dòng.',
    en: 'One school per row.',
  };
  content.distributions[1]!.description = { vi: 'Tra cứu từng trường.', en: 'Look up one school.' };
  content.distributions[1]!.format = 'JSON';
  const d = unwrap(createDraft(DATASET_ID, schoolsEntry(), content, owner, MONDAY)).next;
  const s = unwrap(submit(d, schoolsEntry(), context(), owner, MONDAY)).next;
  return unwrap(publish(s, schoolsEntry(), context(), editor, MONDAY)).version!;
}
const entry = (over: Partial<CatalogDataset> = {}): CatalogDataset => ({
  version: version(),
  issued: MONDAY,
  retracted: false,
  ...over,
});

const shapes = async () => rdf.dataset(new Parser().parse(await readFile(DCAT_SHAPES_PATH, 'utf8')));

interface Finding {
  severity: string;
  path: string;
  message: string;
}
async function validate(quads: Quad[]): Promise<{ violations: Finding[]; warnings: Finding[] }> {
  const validator = new SHACLValidator(await shapes(), { factory: rdf });
  const report = await validator.validate(rdf.dataset(quads));
  const findings = report.results.map((r) => ({
    severity: r.severity?.value.split('#')[1] ?? '',
    path: r.path?.value ?? '',
    message: r.message.map((m) => m.value).join(' '),
  }));
  return {
    violations: findings.filter((f) => f.severity === 'Violation'),
    warnings: findings.filter((f) => f.severity === 'Warning'),
  };
}
/** JSON-LD read by the `jsonld` processor, as a harvester would. */
const fromJsonLd = async (doc: object) =>
  new Parser({ format: 'N-Quads' }).parse(await toNQuads(doc as Record<string, unknown>));
/** Turtle read by `n3`. */
const fromTurtle = async (doc: object) =>
  new Parser({ format: 'Turtle' }).parse(await toTurtle(doc as Record<string, unknown>));

describe('DCAT-AP 3', () => {
  it('describes a dataset that conforms to the shapes, mandatory and recommended, as JSON-LD and as Turtle', async () => {
    const doc = datasetDocument(ctx, entry());
    for (const quads of [await fromJsonLd(doc), await fromTurtle(doc)]) {
      assert.ok(quads.length > 40, `${quads.length} triples`);
      assert.deepEqual(await validate(quads), { violations: [], warnings: [] });
    }
  });

  it('names the property when a mandatory one is missing', async () => {
    const doc = datasetDocument(ctx, entry());
    delete doc['dct:title'];
    const dist = (doc['dcat:distribution'] as Record<string, unknown>[])[0]!;
    delete dist['dcat:accessURL'];
    for (const quads of [await fromJsonLd(doc), await fromTurtle(doc)]) {
      const { violations } = await validate(quads);
      assert.deepEqual(violations.map((v) => v.path).sort(), [
        'http://purl.org/dc/terms/title',
        'http://www.w3.org/ns/dcat#accessURL',
      ]);
      assert.match(violations.map((v) => v.message).join(' '), /dct:title, mandatory/);
    }
  });

  it('warns, without failing, when a recommended property is missing', async () => {
    const v = version();
    const { temporal: _t, ...metadata } = v.metadata;
    const quads = await fromJsonLd(datasetDocument(ctx, entry({ version: { ...v, metadata } })));
    const { violations, warnings } = await validate(quads);
    assert.deepEqual(violations, []);
    assert.deepEqual(
      warnings.map((w) => w.path),
      ['http://purl.org/dc/terms/temporal'],
    );
  });

  it('writes the facts a harvester reads: bilingual title, EU vocabularies, licence, checksum, version', async () => {
    const turtle = await toTurtle(datasetDocument(ctx, entry()));
    for (const expected of [
      '"Danh sách trường phổ thông"@vi',
      '"General education schools"@en',
      '<http://publications.europa.eu/resource/authority/data-theme/EDUC>',
      '<http://publications.europa.eu/resource/authority/frequency/ANNUAL>',
      '<http://publications.europa.eu/resource/authority/licence/CC_BY_4_0>',
      '<http://publications.europa.eu/resource/authority/file-type/CSV>',
      '<https://www.iana.org/assignments/media-types/text/csv>',
      '"48213"^^xsd:nonNegativeInteger',
      '<mailto:vanphong.sgddt@example.gov.vn>',
      'dcat:version "1"',
    ])
      assert.ok(turtle.includes(expected), `the Turtle lacks ${expected}`);
  });

  it('marks a retracted dataset as withdrawn, still described', async () => {
    const quads = await fromJsonLd(datasetDocument(ctx, entry({ retracted: true })));
    assert.ok(
      quads.some(
        (q) =>
          q.predicate.value === 'http://www.w3.org/ns/adms#status' &&
          q.object.value.endsWith('/dataset-status/WITHDRAWN'),
      ),
    );
  });

  it('pages the catalogue with Hydra links, each page a valid dcat:Catalog', async () => {
    const page = catalogDocument(ctx, info, [entry()], { page: 2, pageSize: 1, totalItems: 3 });
    const view = page['hydra:view'] as Record<string, { '@id': string }>;
    assert.equal(view['hydra:next']?.['@id'], `${BASE}/catalog?page=3`);
    assert.equal(view['hydra:previous']?.['@id'], `${BASE}/catalog?page=1`);
    assert.equal(view['hydra:last']?.['@id'], `${BASE}/catalog?page=3`);
    for (const quads of [await fromJsonLd(page), await fromTurtle(page)])
      assert.deepEqual(await validate(quads), { violations: [], warnings: [] });
    const lastPage = catalogDocument(ctx, info, [], { page: 3, pageSize: 1, totalItems: 3 });
    assert.equal((lastPage['hydra:view'] as Record<string, unknown>)['hydra:next'], undefined);
    const noPublisher = catalogDocument(ctx, info, [], { page: 1, pageSize: 10, totalItems: 0 });
    delete noPublisher['dct:publisher'];
    const { violations } = await validate(await fromJsonLd(noPublisher));
    assert.deepEqual(
      violations.map((v) => v.path),
      ['http://purl.org/dc/terms/publisher'],
    );
  });

  it('never fetches a remote JSON-LD context', async () => {
    await assert.rejects(
      toNQuads({ '@context': 'https://example.org/context.jsonld', '@id': 'https://example.org/x' }),
      (error: { details?: { cause?: Error } }) =>
        /remote JSON-LD context refused/.test(String(error.details?.cause)),
    );
  });

  it('describes the dataset page as a schema.org Dataset', async () => {
    const doc = schemaOrgDataset(entry(), ctx.links, DEFAULT_LICENCES);
    assert.equal(doc['@type'], 'Dataset');
    assert.equal(doc.name, 'Danh sách trường phổ thông');
    assert.equal(doc.license, 'https://creativecommons.org/licenses/by/4.0/');
    assert.equal(doc.temporalCoverage, '2025-09-01/2026-05-31');
    assert.deepEqual(doc.distribution[0], {
      '@type': 'DataDownload',
      name: 'Danh sách trường phổ thông (CSV)',
      contentUrl: `https://opendata.example.gov.vn/datasets/${DATASET_ID}/versions/1/distributions/0197a1b2-7c4d-7e8f-9a01-0000000000a1/truong-hoc.csv`,
      encodingFormat: 'text/csv',
      contentSize: '48213 B',
    });
    // It is plain JSON-LD too: expanded with schema.org's terms given inline, it yields a Dataset.
    const expanded = await jsonld.expand({ ...doc, '@context': { '@vocab': 'https://schema.org/' } });
    assert.deepEqual((expanded[0] as { '@type': string[] })['@type'], ['https://schema.org/Dataset']);
  });
});
