// What the public side's integration tests share: the service on its engines, and valid change-feed events.
import { createHash } from 'node:crypto';
import type { DatasetPublishedV1, DatasetRetractedV1, DatasetUpdatedV1 } from '@openlgsp/contracts';
import { contractFor, type EventType } from '@openlgsp/contracts';
import { createEvent, EventPublisher, type LgspEvent } from '@openlgsp/events';
import type { JetStreamClient } from '@nats-io/jetstream';
import { startService, type ServiceUnderTest } from '@openlgsp/http/testing';
import type { Engines } from '@openlgsp/testing';
import { v7 as uuidv7 } from 'uuid';

export const BASE = 'https://opendata.example.gov.vn';

export function startPublic(env: Record<string, string> = {}, engines?: Engines): Promise<ServiceUnderTest> {
  return startService({
    service: 'opendata',
    appModule: async () => (await import('./public-app.module.js')).PublicAppModule,
    env: { OPENDATA_PUBLIC_URL: BASE, ...env },
    ...(engines ? { engines } : {}),
  });
}

export const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

export interface DatasetSeed {
  id?: string;
  agency?: string;
  agencyName?: string;
  title?: { vi: string; en: string };
  description?: { vi: string; en: string };
  keywords?: string[];
  themes?: DatasetPublishedV1['metadata']['themes'];
  license?: string;
  publishedAt?: string;
  /** A CSV file: its bytes give its size and checksum. */
  file?: { name: string; bytes: Buffer };
  format?: 'CSV' | 'JSON' | 'XLSX' | 'PDF' | 'XML' | 'GEOJSON';
  withService?: boolean;
}

/** The data of a complete version, as the authoring side publishes it. */
export function versionData(seed: DatasetSeed, version = 1): DatasetPublishedV1 {
  const id = seed.id ?? uuidv7();
  const agency = seed.agency ?? 'SGDDT';
  const bytes = seed.file?.bytes ?? Buffer.from('ma,ten\n1,Trường A\n');
  const fileId = uuidv7();
  return {
    datasetId: id,
    entryId: '0197a1b2-7c4d-7e8f-9a01-000000000e01',
    ownerAgency: agency,
    version,
    publishedAt: seed.publishedAt ?? new Date().toISOString(),
    metadata: {
      title: seed.title ?? { vi: 'Danh sách trường phổ thông', en: 'General education schools' },
      description: seed.description ?? {
        vi: 'Tên, địa chỉ, cấp học và số học sinh của các trường phổ thông.',
        en: 'Name, address, level and enrolment of general education schools.',
      },
      keywords: { vi: seed.keywords ?? ['giáo dục', 'trường học'], en: ['education'] },
      themes: seed.themes ?? ['EDUC'],
      publisher: {
        agency,
        name: seed.agencyName ?? 'Sở Giáo dục và Đào tạo',
        nationalId: '000.00.12.H41',
      },
      contactPoint: { name: 'Văn phòng Sở', email: 'vanphong@example.gov.vn' },
      spatial: { province: { code: '62', name: 'Kon Tum' } },
      temporal: { start: '2025-09-01', end: '2026-05-31' },
      accrualPeriodicity: 'ANNUAL',
      license: seed.license ?? 'CC-BY-4.0',
      legalBasis: [{ instrument: 'Nghị định 47/2020/NĐ-CP', article: '18' }],
      accessRights: 'public',
    },
    distributions: [
      {
        distributionId: fileId,
        kind: 'file',
        title: { vi: 'Tệp CSV', en: 'CSV file' },
        accessURL: `${BASE}/datasets/${id}`,
        downloadURL: `${BASE}/datasets/${id}/versions/${version}/distributions/${fileId}/${seed.file?.name ?? 'data.csv'}`,
        format: seed.format ?? 'CSV',
        mediaType: 'text/csv',
        byteSize: bytes.length,
        sha256: sha256(bytes),
      },
      ...(seed.withService
        ? [
            {
              distributionId: uuidv7(),
              kind: 'service' as const,
              title: { vi: 'Dịch vụ tra cứu', en: 'Lookup service' },
              accessURL: 'https://lgsp.example.gov.vn/services/truong-hoc',
              serviceId: '0197a1b2-7c4d-7e8f-9a01-000000000501',
            },
          ]
        : []),
    ],
  };
}

/** Publishes on the type's stream through the checked publisher (a contract breach throws). */
export async function publishOpendata<T>(
  js: JetStreamClient,
  type: EventType,
  data: T,
  subject: string,
  source = '/openlgsp/opendata',
): Promise<LgspEvent<T>> {
  const event = createEvent(type, data, {
    source,
    subject,
    dataschema: contractFor(type).schemaId,
    agency: 'STTTT',
    actor: 'opendata-test',
  });
  await new EventPublisher(js, 'opendata').publish(event);
  return event;
}

export const published = (js: JetStreamClient, data: DatasetPublishedV1) =>
  publishOpendata(js, 'vn.openlgsp.opendata.dataset.published.v1', data, data.datasetId);

export const updated = (js: JetStreamClient, data: DatasetUpdatedV1) =>
  publishOpendata(js, 'vn.openlgsp.opendata.dataset.updated.v1', data, data.datasetId);

export const retracted = (js: JetStreamClient, data: DatasetRetractedV1) =>
  publishOpendata(js, 'vn.openlgsp.opendata.dataset.retracted.v1', data, data.datasetId);

export { waitFor } from '@openlgsp/http/testing';
