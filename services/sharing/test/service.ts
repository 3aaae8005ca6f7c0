// What the sharing service's integration tests share: the service on its engines, and a request.
import { startService, type ManualClock, type ServiceUnderTest } from '@openlgsp/http/testing';

/** The sharing service on fresh engines, on a manual clock; deadline ticks are called by hand. */
export function startSharing(
  clock: ManualClock,
  env: Record<string, string> = {},
): Promise<ServiceUnderTest> {
  return startService({
    service: 'sharing',
    appModule: async () => (await import('../src/app.module.js')).AppModule,
    clock,
    env: { SHARING_DEADLINE_TICK_MS: '3600000', ...env },
  });
}

/** A consumer's request for two fields of the land database, for Dec 2026 – Dec 2027. */
export function requestBody(entryId: string, over: Record<string, unknown> = {}) {
  return {
    entryId,
    purpose: 'Xác minh thửa đất khi cấp giấy phép xây dựng',
    fields: ['parcelId', 'area'],
    legalBasis: [{ instrument: 'Nghị định 47/2020/NĐ-CP', article: '38' }],
    period: { from: '2026-12-01T00:00:00+07:00', until: '2027-12-01T00:00:00+07:00' },
    contact: { name: 'Nguyễn Văn An', email: 'an.nv@sxd.example.gov.vn' },
    ...over,
  };
}
