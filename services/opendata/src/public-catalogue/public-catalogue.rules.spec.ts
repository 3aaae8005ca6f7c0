import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DatasetPublishedV1, DatasetRetractedV1 } from '@openlgsp/contracts';
import { DATASET_ID, ENTRY_ID, FILE_ID, SHA } from '../common/fixtures.js';
import type { PublicVersion } from './public-catalogue.model.js';
import {
  applyRetraction,
  applyVersion,
  publisherOf,
  searchEntryOf,
  versionOf,
} from './public-catalogue.rules.js';
import { pageAfter, runSearch } from './public-search.js';

function data(version: number, publishedAt: string, title = 'Bản đồ giá Đất đai'): DatasetPublishedV1 {
  return {
    datasetId: DATASET_ID,
    entryId: ENTRY_ID,
    ownerAgency: 'STNMT',
    version,
    publishedAt,
    metadata: {
      title: { vi: title, en: 'Land prices' },
      description: { vi: 'Giá đất theo thửa.', en: 'Land prices per parcel.' },
      keywords: { vi: ['đất đai'], en: ['land'] },
      themes: ['ENVI'],
      publisher: { agency: 'STNMT', name: 'Sở Tài nguyên và Môi trường' },
      contactPoint: { name: 'Văn phòng', email: 'vp@example.gov.vn' },
      spatial: { province: { code: '62', name: 'Kon Tum' } },
      accrualPeriodicity: 'ANNUAL',
      license: 'CC-BY-4.0',
      legalBasis: [{ instrument: 'Nghị định 47/2020/NĐ-CP' }],
      accessRights: 'public',
    },
    distributions: [
      {
        distributionId: FILE_ID,
        kind: 'file',
        title: { vi: 'Tệp', en: 'File' },
        accessURL: 'https://example.gov.vn/d',
        format: 'CSV',
        sha256: SHA,
        byteSize: 10,
      },
    ],
  };
}
const v = (n: number, at: string, title?: string): PublicVersion => versionOf(data(n, at, title));
const retraction: DatasetRetractedV1 = {
  datasetId: DATASET_ID,
  entryId: ENTRY_ID,
  ownerAgency: 'STNMT',
  version: 2,
  cause: 'dic',
  reason: 'Sai số liệu',
  retractedAt: '2026-03-10T00:00:00Z',
};

describe('public catalogue projection', () => {
  it('keeps the newest version whatever order versions arrive in, and ignores a repeated one', () => {
    const two = applyVersion(null, v(2, '2026-03-05T00:00:00Z', 'Mới'))!;
    const both = applyVersion(two, v(1, '2026-03-01T00:00:00Z'))!;
    assert.equal(both.current!.version, 2);
    assert.equal(both.current!.metadata.title.vi, 'Mới');
    assert.deepEqual(
      both.versions.map((x) => x.version),
      [1, 2],
    );
    assert.equal(both.issued!.toISOString(), '2026-03-01T00:00:00.000Z', 'issued is the first publication');
    assert.equal(applyVersion(both, v(2, '2026-03-05T00:00:00Z')), null);
  });

  it('keeps a retraction that arrived before the versions, and applies a retraction once', () => {
    const early = applyRetraction(null, retraction)!;
    const later = applyVersion(early, v(1, '2026-03-01T00:00:00Z'))!;
    assert.equal(later.retraction?.cause, 'dic');
    assert.equal(searchEntryOf(later)!.retracted, true);
    assert.equal(applyRetraction(later, retraction), null);
  });

  it('folds the search text so accents and case never matter', () => {
    const entry = searchEntryOf(applyVersion(null, v(1, '2026-03-01T00:00:00Z'))!)!;
    assert.match(entry.text, /ban do gia dat dai/);
    assert.deepEqual(entry.formats, ['CSV']);
    const { ranked, facets } = runSearch([entry], {
      q: 'ĐAT dai',
      clauses: [{ facet: 'theme', values: ['ENVI'] }],
    });
    assert.equal(ranked.length, 1);
    assert.deepEqual(facets.publisher, { STNMT: 1 });
    assert.equal(runSearch([entry], { q: 'y tế', clauses: [] }).ranked.length, 0);
    assert.equal(
      runSearch([entry], { clauses: [{ facet: 'format', values: ['CSV'], exclude: true }] }).ranked.length,
      0,
    );
  });

  it('refuses a cursor it did not issue', () => {
    assert.throws(() => pageAfter([], 'bm90LWEtY3Vyc29y', 10), RangeError);
  });

  it('names a publisher as its newest version does, since its first publication', () => {
    const first = publisherOf(null, v(2, '2026-03-05T00:00:00Z'));
    const older = publisherOf(first, {
      ...v(1, '2026-03-01T00:00:00Z'),
      metadata: { ...v(1, '2026-03-01T00:00:00Z').metadata, publisher: { agency: 'STNMT', name: 'Tên cũ' } },
    });
    assert.equal(older.name, 'Sở Tài nguyên và Môi trường');
    assert.equal(older.since.toISOString(), '2026-03-01T00:00:00.000Z');
  });
});
