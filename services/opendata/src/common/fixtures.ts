// Test fixtures for the pure rules' specs (no Nest, no store).
import type { Actor, Result } from '@openlgsp/domain';
import type { CatalogueEntryView, CatalogueServiceView } from '../catalogue-view/catalogue-view.model.js';
import type { DatasetContent, DatasetState, PortalLinks } from '../datasets/dataset.model.js';
import type { PublicationContext } from '../datasets/dataset.rules.js';
import type { DcatLinks } from '../dcat/dcat.serialiser.js';
import { DEFAULT_LICENCE_ID, DEFAULT_LICENCES } from '../vocabularies/licences.js';

export const local = (s: string) => new Date(`${s}+07:00`);
export const MONDAY = local('2026-03-02T09:00:00');

export const ENTRY_ID = '0197a1b2-7c4d-7e8f-9a01-000000000e01';
export const SERVICE_ID = '0197a1b2-7c4d-7e8f-9a01-000000000501';
export const DATASET_ID = '0197a1b2-7c4d-7e8f-9a01-0000000000d1';
export const FILE_ID = '0197a1b2-7c4d-7e8f-9a01-0000000000a1';
export const API_ID = '0197a1b2-7c4d-7e8f-9a01-0000000000a2';
export const SHA = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';

export const owner: Actor = { sub: 'sgddt-officer', agency: 'SGDDT', roles: ['provider'] };
export const ownerSystem: Actor = { sub: 'sgddt-system', agency: 'SGDDT', roles: ['integrator'] };
export const stranger: Actor = { sub: 'syt-officer', agency: 'SYT', roles: ['provider'] };
export const editor: Actor = { sub: 'dic-editor', agency: 'STTTT', roles: ['editor'] };
export const dic: Actor = { sub: 'dic-officer', agency: 'STTTT', roles: ['dic'] };

export function schoolsEntry(over: Partial<CatalogueEntryView> = {}): CatalogueEntryView {
  return {
    _id: ENTRY_ID,
    version: 1,
    name: 'Cơ sở dữ liệu trường học',
    ownerAgency: 'SGDDT',
    open: true,
    status: 'listed',
    updatedAt: MONDAY,
    ...over,
  };
}

export function schoolService(over: Partial<CatalogueServiceView> = {}): CatalogueServiceView {
  return {
    _id: SERVICE_ID,
    entryId: ENTRY_ID,
    providerAgency: 'SGDDT',
    name: 'Tra cứu trường học',
    endpoint: 'https://lgsp.example.gov.vn/services/truong-hoc',
    status: 'active',
    updatedAt: MONDAY,
    ...over,
  };
}

export const links: PortalLinks = {
  dataset: (id) => `https://opendata.example.gov.vn/datasets/${id}`,
  download: (id, version, dist, name) =>
    `https://opendata.example.gov.vn/datasets/${id}/versions/${version}/distributions/${dist}/${name}`,
};

/** The portal's IRIs as the DCAT and CKAN specs expect them. */
export const dcatLinks: DcatLinks = {
  catalog: 'https://opendata.example.gov.vn/catalog',
  homepage: 'https://opendata.example.gov.vn',
  dataset: (id) => `https://opendata.example.gov.vn/datasets/${id}`,
  distribution: (id, d) => `https://opendata.example.gov.vn/datasets/${id}/distributions/${d}`,
  agency: (code) => `https://opendata.example.gov.vn/agencies/${code}`,
  catalogPage: (n) => `https://opendata.example.gov.vn/catalog?page=${n}`,
};

export function context(over: Partial<PublicationContext> = {}): PublicationContext {
  const services = [schoolService()];
  return {
    publisher: { code: 'SGDDT', name: 'Sở Giáo dục và Đào tạo', nationalId: '000.00.12.H41' },
    service: (id) => services.find((s) => s._id === id),
    licences: DEFAULT_LICENCES,
    defaultLicence: DEFAULT_LICENCE_ID,
    links,
    ...over,
  };
}

export function schoolsContent(): DatasetContent {
  return {
    metadata: {
      title: { vi: 'Danh sách trường phổ thông', en: 'General education schools' },
      description: {
        vi: 'Tên, địa chỉ, cấp học và số học sinh của các trường phổ thông.',
        en: 'Name, address, level and enrolment of general education schools.',
      },
      keywords: { vi: ['giáo dục', 'trường học'], en: ['education'] },
      themes: ['EDUC'],
      contactPoint: { name: 'Văn phòng Sở', email: 'vanphong.sgddt@example.gov.vn' },
      spatial: { province: { code: '62', name: 'Kon Tum' } },
      temporal: { start: '2025-09-01', end: '2026-05-31' },
      accrualPeriodicity: 'ANNUAL',
      legalBasis: [{ instrument: 'Nghị định 47/2020/NĐ-CP', article: '18' }],
    },
    distributions: [
      {
        distributionId: FILE_ID,
        kind: 'file',
        fileName: 'truong-hoc.csv',
        objectKey: 'opendata/SGDDT/truong-hoc-1.csv',
        format: 'CSV',
        mediaType: 'text/csv',
        byteSize: 48213,
        sha256: SHA,
        check: { checkedAt: MONDAY, rows: 412, problems: 0 },
      },
      { distributionId: API_ID, kind: 'service', serviceId: SERVICE_ID },
    ],
  };
}

/** The violation's `kind:code`, or 'ok', so a failing assertion reads in domain words. */
export function violation(result: Result<unknown>): string {
  return result.ok ? 'ok' : `${result.violation.kind}:${result.violation.code}`;
}

export type { DatasetState };
