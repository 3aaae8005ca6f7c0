import type { ProposedContent } from '../src/entries/entry.model.js';

/** A realistic catalogue entry: the land database of the Department of Natural Resources. */
export function landDatabase(owner = 'STNMT', overrides: Partial<ProposedContent> = {}): ProposedContent {
  return {
    name: 'Cơ sở dữ liệu đất đai',
    ownerAgency: owner,
    purpose: 'Tra cứu thông tin thửa đất phục vụ thủ tục hành chính',
    scope: 'Toàn tỉnh',
    sector: 'land',
    dataFields: [
      { name: 'parcelId', description: 'Mã thửa đất', type: 'code' },
      { name: 'ownerName', description: 'Tên chủ sử dụng', type: 'string', personal: true },
      { name: 'area', description: 'Diện tích (m2)', type: 'number' },
    ],
    updateFrequency: 'daily',
    integrationTime: 'within 24 hours of a change',
    validityPeriod: 'P1Y',
    sharingMode: 'request',
    open: false,
    masterData: true,
    legalBasis: [{ instrument: 'Nghị định 47/2020/NĐ-CP', article: '12' }],
    containsStateSecrets: false,
    ...overrides,
  };
}

/** What a provider declares for its land entry: the sharing service that serves it. */
export function landService(entryId: string) {
  return {
    entryId,
    name: 'Tra cứu thửa đất',
    protocol: 'rest',
    endpoint: 'https://lgsp.example.vn/land/v1',
    version: '1.0.0',
  };
}
