import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { API_ID, DATASET_ID, FILE_ID, links, MONDAY, schoolService, SHA } from '../common/fixtures.js';
import type { DistributionDraft } from '../datasets/dataset.model.js';
import { checkDistributions, type DistributionContext } from './distribution.rules.js';

const ctx = (over: Partial<DistributionContext> = {}): DistributionContext => ({
  datasetId: DATASET_ID,
  ownerAgency: 'SGDDT',
  version: 3,
  datasetTitle: { vi: 'Trường học', en: 'Schools' },
  service: (id) => (id === schoolService()._id ? schoolService() : undefined),
  links,
  ...over,
});
const pdf = (over: Partial<DistributionDraft> = {}): DistributionDraft =>
  ({
    distributionId: FILE_ID,
    kind: 'file',
    fileName: 'quyet-dinh.pdf',
    objectKey: 'opendata/SGDDT/quyet-dinh.pdf',
    format: 'PDF',
    mediaType: 'application/pdf',
    byteSize: 1024,
    sha256: SHA,
    check: null,
    ...over,
  }) as DistributionDraft;
const codes = (drafts: DistributionDraft[], c = ctx()) => {
  const r = checkDistributions(drafts, c);
  return r.ok ? [] : r.problems.map((p) => `${p.path} ${p.code}`);
};

describe('distribution rules', () => {
  it("publishes a file with this version's download link and keeps its object key private", () => {
    const result = checkDistributions([pdf()], ctx());
    assert.ok(result.ok);
    assert.deepEqual(result.distributions[0], {
      distributionId: FILE_ID,
      kind: 'file',
      title: { vi: 'Trường học (PDF)', en: 'Schools (PDF)' },
      format: 'PDF',
      accessURL: `https://opendata.example.gov.vn/datasets/${DATASET_ID}`,
      downloadURL: `https://opendata.example.gov.vn/datasets/${DATASET_ID}/versions/3/distributions/${FILE_ID}/quyet-dinh.pdf`,
      mediaType: 'application/pdf',
      byteSize: 1024,
      sha256: SHA,
    });
    assert.deepEqual(result.objectKeys, { [FILE_ID]: 'opendata/SGDDT/quyet-dinh.pdf' });
  });

  it('needs at least one distribution, each id once', () => {
    assert.deepEqual(codes([]), ['/distributions required']);
    assert.deepEqual(codes([pdf(), pdf()]), ['/distributions duplicate']);
  });

  it('checks a file: media type for its format, not empty, a SHA-256, and a CSV checked first', () => {
    assert.deepEqual(
      codes([pdf({ mediaType: 'text/html', byteSize: 0, sha256: 'ABC' } as Partial<DistributionDraft>)]),
      [
        '/distributions/0/mediaType media-type',
        '/distributions/0/byteSize empty-file',
        '/distributions/0/sha256 checksum',
      ],
    );
    const csv = pdf({
      fileName: 'a.csv',
      format: 'CSV',
      mediaType: 'text/csv',
    } as Partial<DistributionDraft>);
    assert.deepEqual(codes([csv]), ['/distributions/0/check unchecked']);
    const checked = { ...csv, check: { checkedAt: MONDAY, rows: 10, problems: 0 } } as DistributionDraft;
    assert.deepEqual(codes([checked]), []);
  });

  it("points a service distribution at the registry's endpoint, and a URL distribution at an http(s) address", () => {
    const result = checkDistributions(
      [
        { distributionId: API_ID, kind: 'service', serviceId: schoolService()._id },
        { distributionId: FILE_ID, kind: 'url', accessURL: 'https://gis.sgddt.example.gov.vn/truong' },
      ],
      ctx(),
    );
    assert.ok(result.ok);
    assert.equal(result.distributions[0]?.accessURL, schoolService().endpoint);
    assert.equal(result.distributions[0]?.title.vi, 'Trường học (API)');
    assert.deepEqual(
      codes([
        { distributionId: API_ID, kind: 'service', serviceId: '0197a1b2-7c4d-7e8f-9a01-00000000ffff' },
        { distributionId: FILE_ID, kind: 'url', accessURL: 'ftp://files.example/x' },
      ]),
      ['/distributions/0/serviceId unknown-service', '/distributions/1/accessURL url'],
    );
    assert.deepEqual(
      codes([{ distributionId: FILE_ID, kind: 'url', accessURL: 'https://user:pw@example.gov.vn/' }]),
      ['/distributions/0/accessURL url'],
    );
  });
});
