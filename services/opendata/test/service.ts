// What the opendata service's integration tests share: the service on its engines, and a dataset.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startService, type ManualClock, type ServiceUnderTest } from '@openlgsp/http/testing';
import type { Engines } from '@openlgsp/testing';

export const UPLOAD_LIMIT = 256 * 1024;

/** The opendata service on fresh engines (or `engines`), files in a temporary folder unless `env` says S3. */
export function startOpendata(
  clock: ManualClock,
  env: Record<string, string> = {},
  engines?: Engines,
): Promise<ServiceUnderTest> {
  return startService({
    service: 'opendata',
    appModule: async () => (await import('../src/app.module.js')).AppModule,
    clock,
    ...(engines ? { engines } : {}),
    env: {
      STORAGE_DIR: mkdtempSync(join(tmpdir(), 'lgsp-opendata-files-')),
      OPENDATA_UPLOAD_MAX_BYTES: String(UPLOAD_LIMIT),
      OPENDATA_FRESHNESS_TICK_MS: '3600000',
      OPENDATA_PUBLIC_BASE_URL: 'https://opendata.example.gov.vn',
      OUTBOUND_ALLOW_LIST: '127.0.0.1',
      OUTBOUND_TIMEOUT_MS: '2000',
      ...env,
    },
  });
}

/** Complete DCAT-AP 3 metadata for the schools dataset. */
export function schoolsMetadata(over: Record<string, unknown> = {}) {
  return {
    title: { vi: 'Danh sách trường phổ thông', en: 'General education schools' },
    description: {
      vi: 'Tên, địa chỉ, cấp học và số học sinh của các trường phổ thông.',
      en: 'Name, address, level and enrolment of general education schools.',
    },
    keywords: { vi: ['giáo dục', 'trường học'], en: ['education'] },
    themes: ['EDUC'],
    contactPoint: { name: 'Văn phòng Sở', email: 'vanphong.sgddt@example.gov.vn' },
    spatial: { province: { code: '62', name: 'Kon Tum' } },
    accrualPeriodicity: 'ANNUAL',
    legalBasis: [{ instrument: 'Nghị định 47/2020/NĐ-CP', article: '18' }],
    ...over,
  };
}

export const GOOD_CSV = 'schoolId,name,pupils\nT001,Trường THPT Kon Tum,1200\nT002,Trường THCS Lê Lợi,800\n';
export const BAD_CSV = 'schoolId,name,pupils\nT001,Trường THPT Kon Tum,1200\nT002,=SUM(A1:A9),800,extra\n';
