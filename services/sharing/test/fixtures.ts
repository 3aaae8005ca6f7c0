// Test fixtures for the pure rules' specs (no Nest, no store); kept out of the service's runtime.
import type { Actor, Result } from '@openlgsp/domain';
import { WorkingCalendar } from '../src/calendar/working-calendar.js';
import type { CatalogueEntryView, CatalogueServiceView } from '../src/catalogue-view/catalogue-view.model.js';
import type { GrantState } from '../src/grants/grant.model.js';
import { issue } from '../src/grants/grant.rules.js';
import type { RequestDetails } from '../src/requests/request.model.js';

export const local = (s: string) => new Date(`${s}+07:00`);
export const MONDAY = local('2026-03-02T09:00:00');

export const config = {
  calendar: new WorkingCalendar([]),
  answerWorkingDays: 10,
  reminderWorkingDays: 2,
  usageReportWorkingDays: 10,
  plannedNoticeWorkingDays: 7,
};

export const ENTRY_ID = '0197a1b2-7c4d-7e8f-9a01-000000000e01';
export const SERVICE_ID = '0197a1b2-7c4d-7e8f-9a01-000000000501';
export const REQUEST_ID = '0197a1b2-7c4d-7e8f-9a01-0000000005a1';

export function landEntry(over: Partial<CatalogueEntryView> = {}): CatalogueEntryView {
  return {
    _id: ENTRY_ID,
    version: 1,
    name: 'Cơ sở dữ liệu đất đai',
    ownerAgency: 'STNMT',
    sharingMode: 'request',
    open: false,
    fields: ['parcelId', 'area', 'ownerName'],
    personalFields: ['ownerName'],
    status: 'listed',
    updatedAt: MONDAY,
    ...over,
  };
}

export function parcelService(over: Partial<CatalogueServiceView> = {}): CatalogueServiceView {
  return {
    _id: SERVICE_ID,
    entryId: ENTRY_ID,
    providerAgency: 'STNMT',
    name: 'Tra cứu thửa đất',
    status: 'active',
    updatedAt: MONDAY,
    ...over,
  };
}

export function details(over: Partial<RequestDetails> = {}): RequestDetails {
  return {
    entryId: ENTRY_ID,
    purpose: 'Xác minh thửa đất khi cấp giấy phép xây dựng',
    fields: ['parcelId', 'area'],
    legalBasis: [{ instrument: 'Nghị định 47/2020/NĐ-CP', article: '38' }],
    period: { from: MONDAY, until: local('2027-03-02T00:00:00') },
    contact: { name: 'Nguyễn Văn An' },
    ...over,
  };
}

export const consumer: Actor = { sub: 'sxd-officer', agency: 'SXD', roles: ['consumer'] };
export const provider: Actor = { sub: 'stnmt-officer', agency: 'STNMT', roles: ['provider'] };
export const otherProvider: Actor = { sub: 'syt-officer', agency: 'SYT', roles: ['provider'] };
export const dic: Actor = { sub: 'dic-officer', agency: 'STTTT', roles: ['dic'] };

/** A rule's answer in one word: ok, or the violation's kind and code (e.g. forbidden:not-owner). */
export const violation = (r: Result<unknown>) => (r.ok ? 'ok' : `${r.violation.kind}:${r.violation.code}`);

/** SXD's grant on the land entry, issued on MONDAY from an approval. */
export function issuedGrant(over: Partial<GrantState> = {}): GrantState {
  const { next } = issue(
    {
      grantId: REQUEST_ID,
      origin: 'approval',
      requestId: REQUEST_ID,
      entryId: ENTRY_ID,
      ownerAgency: 'STNMT',
      holderAgency: 'SXD',
      fields: ['parcelId', 'area'],
      validity: { from: MONDAY, until: local('2026-09-01T00:00:00') },
      conditions: [],
    },
    MONDAY,
  );
  return { ...next, ...over };
}
