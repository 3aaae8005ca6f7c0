// What the catalogue says, as the opendata service hears it: catalogue CloudEvents on the CATALOGUE
// stream, made here so opendata's tests need no catalogue service.
import { randomUUID } from 'node:crypto';
import type { JetStreamClient } from '@nats-io/jetstream';
import { publishCatalogueEvent } from '@openlgsp/http/testing';

/** The schools database of an agency, listed in the catalogue; `open` as its owner marked it. */
export async function listEntry(js: JetStreamClient, owner: string, open = true): Promise<string> {
  const entryId = randomUUID();
  await publishCatalogueEvent(
    js,
    'vn.openlgsp.catalogue.entry.listed.v1',
    {
      entryId,
      version: 1,
      content: {
        name: 'Cơ sở dữ liệu trường học',
        ownerAgency: owner,
        purpose: 'Quản lý mạng lưới trường học.',
        scope: 'Toàn tỉnh',
        sector: 'education',
        dataFields: [{ name: 'schoolId', description: 'Mã trường', type: 'code' }],
        updateFrequency: 'yearly',
        integrationTime: 'trong 24 giờ',
        validityPeriod: 'P1Y',
        sharingMode: 'default',
        open,
        masterData: false,
        legalBasis: [{ instrument: 'Luật Giáo dục 2019' }],
      },
    },
    entryId,
  );
  return entryId;
}

export async function registerAgency(js: JetStreamClient, code: string, name: string): Promise<void> {
  await publishCatalogueEvent(
    js,
    'vn.openlgsp.catalogue.agency.registered.v1',
    { code, name, level: 'province' },
    code,
  );
}

export async function withdrawEntry(js: JetStreamClient, entryId: string, reason: string): Promise<void> {
  await publishCatalogueEvent(
    js,
    'vn.openlgsp.catalogue.entry.withdrawn.v1',
    { entryId, version: 2, reason },
    entryId,
  );
}

export { publishCatalogueEvent };
