import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { unwrap } from '@openlgsp/domain';
import {
  context,
  dcatLinks,
  DATASET_ID,
  editor,
  FILE_ID,
  MONDAY,
  owner,
  schoolsContent,
  schoolsEntry,
} from '../common/fixtures.js';
import { createDraft, publish, submit } from '../datasets/dataset.rules.js';
import type { CatalogDataset } from '../dcat/dcat.serialiser.js';
import { DEFAULT_LICENCES } from '../vocabularies/licences.js';
import { CKAN_ERROR_STATUS, ckanFailure, ckanSuccess, helpUrl } from './ckan.envelope.js';
import {
  activityDict,
  ckanTime,
  organizationDict,
  packageDict,
  statusDict,
  tagName,
} from './ckan.mapping.js';
import { shapeFacets } from './facets.js';
import { describeErrors, parsePackageSearch, type PackageQuery } from './package-search.params.js';

const BASE = 'https://opendata.example.gov.vn';
const links = dcatLinks;
const agency = { code: 'SGDDT', name: 'Sở Giáo dục và Đào tạo', nationalId: '000.00.12.H41' };
const mapping = { links, licences: DEFAULT_LICENCES, organization: { agency, created: MONDAY } };

function entry(over: Partial<CatalogDataset> = {}): CatalogDataset {
  const d = unwrap(createDraft(DATASET_ID, schoolsEntry(), schoolsContent(), owner, MONDAY)).next;
  const s = unwrap(submit(d, schoolsEntry(), context(), owner, MONDAY)).next;
  return {
    version: unwrap(publish(s, schoolsEntry(), context(), editor, MONDAY)).version!,
    issued: MONDAY,
    retracted: false,
    ...over,
  };
}
const query = (params: Record<string, string>): PackageQuery => {
  const parsed = parsePackageSearch(new URLSearchParams(params));
  assert.ok(parsed.ok, JSON.stringify(parsed));
  return parsed.query;
};
const errorsOf = (params: URLSearchParams | Record<string, unknown>) => {
  const parsed = parsePackageSearch(params);
  assert.ok(!parsed.ok, 'expected the parameters to be refused');
  return parsed.errors;
};

describe('CKAN Action API subset', () => {
  it("wraps answers and errors in CKAN's envelope", () => {
    const help = helpUrl(`${BASE}/api`, 'package_show');
    assert.equal(help, `${BASE}/api/3/action/help_show?name=package_show`);
    assert.deepEqual(ckanSuccess(help, ['a']), { help, success: true, result: ['a'] });
    assert.deepEqual(
      ckanFailure(help, 'Validation Error', 'rows: Invalid integer', { rows: ['Invalid integer'] }),
      {
        help,
        success: false,
        error: { __type: 'Validation Error', message: 'rows: Invalid integer', rows: ['Invalid integer'] },
      },
    );
    assert.equal(CKAN_ERROR_STATUS['Not Found Error'], 404);
    assert.equal(CKAN_ERROR_STATUS['Validation Error'], 409);
  });

  it('maps a dataset to a package dict a CKAN client reads', () => {
    const pkg = packageDict(entry(), mapping);
    assert.equal(pkg.id, DATASET_ID);
    assert.equal(pkg.name, DATASET_ID);
    assert.equal(pkg.title, 'Danh sách trường phổ thông');
    assert.deepEqual(pkg.title_translated, {
      vi: 'Danh sách trường phổ thông',
      en: 'General education schools',
    });
    assert.equal(pkg.state, 'active');
    assert.equal(pkg.license_id, 'cc-by');
    assert.equal(pkg.isopen, true);
    assert.equal(pkg.owner_org, 'SGDDT');
    assert.equal(pkg.organization.name, 'sgddt');
    assert.equal(pkg.maintainer_email, 'vanphong.sgddt@example.gov.vn');
    assert.equal(pkg.metadata_modified, '2026-03-02T02:00:00.000000');
    assert.deepEqual(
      pkg.tags.map((t) => t.name),
      ['giáo dục', 'trường học', 'education'],
    );
    assert.deepEqual(
      pkg.groups.map((g) => g.name),
      ['educ'],
    );
    assert.equal(pkg.num_resources, 2);
    const [file, api] = pkg.resources;
    assert.equal(file?.id, FILE_ID);
    assert.equal(file?.format, 'CSV');
    assert.equal(file?.size, 48213);
    assert.match(file!.hash, /^sha256:[0-9a-f]{64}$/);
    assert.match(file!.url, /\/versions\/1\/distributions\/.+\/truong-hoc\.csv$/);
    assert.equal(api?.format, 'API');
    assert.equal(api?.url, 'https://lgsp.example.gov.vn/services/truong-hoc');
    const extras = Object.fromEntries(pkg.extras.map((e) => [e.key, e.value]));
    assert.equal(extras.frequency, 'http://publications.europa.eu/resource/authority/frequency/ANNUAL');
    assert.equal(extras.temporal_start, '2025-09-01');
    assert.ok(!JSON.stringify(pkg).includes('objectKey') && !JSON.stringify(pkg).includes('opendata/SGDDT'));
  });

  it('shows a retracted dataset as a deleted package, marked retracted', () => {
    const pkg = packageDict(entry({ retracted: true }), mapping);
    assert.equal(pkg.state, 'deleted');
    assert.ok(pkg.extras.some((e) => e.key === 'openlgsp_status' && e.value === 'retracted'));
  });

  it('maps an agency to an organization dict, and changes to activities', () => {
    assert.deepEqual(organizationDict(agency, MONDAY, 3), {
      id: 'SGDDT',
      name: 'sgddt',
      title: 'Sở Giáo dục và Đào tạo',
      display_name: 'Sở Giáo dục và Đào tạo',
      description: 'Mã định danh: 000.00.12.H41',
      image_url: '',
      type: 'organization',
      is_organization: true,
      state: 'active',
      approval_status: 'approved',
      created: ckanTime(MONDAY),
      package_count: 3,
    });
    const activity = activityDict('act-1', 'new package', MONDAY, packageDict(entry(), mapping));
    assert.equal(activity.object_id, DATASET_ID);
    assert.equal(activity.user_id, 'SGDDT');
    assert.equal(statusDict({ url: BASE, title: 'Dữ liệu mở', description: '' }).ckan_version, '2.10.4');
    assert.equal(tagName('  dân số / hộ gia đình! '), 'dân số hộ gia đình');
  });

  it('parses package_search parameters into a query, with CKAN defaults', () => {
    assert.deepEqual(query({}), {
      q: null,
      filters: [],
      modified: null,
      rows: 10,
      start: 0,
      sort: [
        { field: 'score', direction: 'desc' },
        { field: 'metadata_modified', direction: 'desc' },
      ],
      facetFields: [],
      facetLimit: 50,
      facetMinCount: 1,
    });
    const q = query({
      q: 'trường học',
      fq: 'organization:sgddt tags:"giáo dục" -res_format:PDF license_id:cc-by',
      rows: '20',
      start: '40',
      sort: 'metadata_modified desc, title_string',
      'facet.field': '["organization","tags","res_format"]',
      'facet.limit': '-1',
      include_private: 'true',
    });
    assert.equal(q.q, 'trường học');
    assert.deepEqual(q.filters, [
      { field: 'organization', value: 'sgddt', exclude: false },
      { field: 'tags', value: 'giáo dục', exclude: false },
      { field: 'res_format', value: 'PDF', exclude: true },
      { field: 'license_id', value: 'cc-by', exclude: false },
    ]);
    assert.deepEqual([q.rows, q.start, q.facetLimit], [20, 40, 1000]);
    assert.deepEqual(q.sort, [
      { field: 'metadata_modified', direction: 'desc' },
      { field: 'title_string', direction: 'asc' },
    ]);
    assert.deepEqual(q.facetFields, ['organization', 'tags', 'res_format']);
    assert.equal(query({ q: '*:*' }).q, null);
  });

  it("reads what ckanext-harvest's CKAN harvester sends", () => {
    const q = query({
      fq: '+dataset_type:dataset metadata_modified:[2026-03-01T00:00:00.000000Z TO *] -organization:syt',
      sort: 'id asc',
      rows: '100',
      start: '0',
    });
    assert.deepEqual(q.modified, { from: new Date('2026-03-01T00:00:00Z'), until: null });
    assert.deepEqual(q.filters, [{ field: 'organization', value: 'syt', exclude: true }]);
    assert.deepEqual(q.sort, [{ field: 'id', direction: 'asc' }]);
    assert.equal(
      parsePackageSearch({ rows: 5, start: 0, 'facet.field': ['tags'] }).ok,
      true,
      'a POSTed JSON body',
    );
  });

  it('refuses bad parameters, saying which and why', () => {
    const errors = errorsOf(
      new URLSearchParams({
        rows: 'ten',
        start: '-1',
        sort: 'popularity desc',
        fq: 'owner:sgddt',
        'facet.field': 'organization',
        page: '2',
      }),
    );
    assert.deepEqual(errors, {
      page: [
        'is not a supported parameter (q, fq, rows, start, sort, facet.field, facet.limit, facet.mincount)',
      ],
      fq: [
        "'owner' is not a field one can filter on (organization, tags, res_format, license_id, groups, metadata_modified)",
      ],
      rows: ['Invalid integer'],
      start: ['must be between 0 and 100000'],
      sort: [
        "'popularity desc' is not a sort; write one of score, id, name, title_string, metadata_modified, metadata_created then asc or desc",
      ],
      'facet.field': ['must be a JSON list such as ["organization","tags"]'],
    });
    assert.match(describeErrors(errors), /^page: is not a supported parameter/);
    assert.deepEqual(errorsOf(new URLSearchParams({ rows: '1001' })), {
      rows: ['must be between 0 and 1000'],
    });
    assert.deepEqual(errorsOf(new URLSearchParams({ fq: 'tags:"unclosed' })).fq?.length, 1);
    assert.deepEqual(errorsOf(new URLSearchParams({ fq: 'metadata_modified:[yesterday TO *]' })), {
      fq: ['metadata_modified needs a range [FROM TO UNTIL] of ISO 8601 times or *, not [yesterday TO *]'],
    });
    assert.deepEqual(errorsOf(new URLSearchParams({ 'facet.field': '["maintainer"]' })), {
      'facet.field': ['cannot facet on maintainer (organization, tags, res_format, license_id, groups)'],
    });
    assert.deepEqual(errorsOf(new URLSearchParams('rows=1&rows=2')), { rows: ['given more than once'] });
  });

  it('shapes facet counts as CKAN does, by count then name, within the limit', () => {
    const shaped = shapeFacets(
      {
        tags: new Map([
          ['trường học', 3],
          ['giáo dục', 3],
          ['y tế', 1],
          ['đất đai', 0],
        ]),
      },
      { facetFields: ['tags', 'organization'], facetLimit: 2, facetMinCount: 1 },
      (_f, v) => v.toUpperCase(),
    );
    assert.deepEqual(shaped.facets, { tags: { 'giáo dục': 3, 'trường học': 3 }, organization: {} });
    assert.deepEqual(shaped.search_facets.tags, {
      title: 'tags',
      items: [
        { name: 'giáo dục', display_name: 'GIÁO DỤC', count: 3 },
        { name: 'trường học', display_name: 'TRƯỜNG HỌC', count: 3 },
      ],
    });
  });
});
