// What the catalogue says, as the sharing service hears it: catalogue CloudEvents on the CATALOGUE
// stream, made here so the sharing service's tests need no catalogue service (the e2e suite has both).
import { randomUUID } from 'node:crypto';
import type { JetStreamClient } from '@nats-io/jetstream';
import { publishCatalogueEvent } from '@openlgsp/http/testing';

export const landFields = [
  { name: 'parcelId', description: 'Mã thửa đất', type: 'code' },
  { name: 'area', description: 'Diện tích (m²)', type: 'number' },
  { name: 'ownerName', description: 'Người sử dụng đất', type: 'string', personal: true },
];

export function entryContent(owner: string, sharingMode: 'default' | 'request' = 'request') {
  return {
    name: 'Cơ sở dữ liệu đất đai',
    ownerAgency: owner,
    purpose: 'Phục vụ thủ tục hành chính về đất đai.',
    scope: 'Toàn tỉnh',
    sector: 'land',
    dataFields: landFields,
    updateFrequency: 'daily',
    integrationTime: 'trong 24 giờ',
    validityPeriod: 'P1Y',
    sharingMode,
    open: false,
    masterData: true,
    legalBasis: [{ instrument: 'Luật Đất đai 2024' }],
  };
}

/** An entry listed in the catalogue, and a service declared for it: the ids. */
export async function listEntryWithService(
  js: JetStreamClient,
  owner: string,
  sharingMode: 'default' | 'request' = 'request',
): Promise<{ entryId: string; serviceId: string }> {
  const entryId = randomUUID();
  const serviceId = randomUUID();
  await publishCatalogueEvent(
    js,
    'vn.openlgsp.catalogue.entry.listed.v1',
    { entryId, version: 1, content: entryContent(owner, sharingMode) },
    entryId,
  );
  await publishCatalogueEvent(
    js,
    'vn.openlgsp.catalogue.service.declared.v1',
    {
      serviceId,
      entryId,
      providerAgency: owner,
      name: 'Tra cứu thửa đất',
      protocol: 'rest',
      endpoint: 'https://lgsp.example.gov.vn/stnmt/parcels',
      version: '1.0',
      status: 'active',
    },
    serviceId,
    owner,
  );
  return { entryId, serviceId };
}

export { publishCatalogueEvent };
