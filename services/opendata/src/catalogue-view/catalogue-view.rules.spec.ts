import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { EntryListedV1 } from '@openlgsp/contracts';
import { ENTRY_ID, local, schoolService, SERVICE_ID } from '../common/fixtures.js';
import {
  agencyFrom,
  entryContent,
  entryWithdrawn,
  serviceDeclared,
  serviceStatus,
} from './catalogue-view.rules.js';

const T1 = local('2026-03-02T09:00:00');
const T2 = local('2026-03-03T09:00:00');
const listed = (version: number, open = true): EntryListedV1 =>
  ({
    entryId: ENTRY_ID,
    version,
    content: { name: 'Cơ sở dữ liệu trường học', ownerAgency: 'SGDDT', open },
  }) as EntryListedV1;
const declared = { ...schoolService(), serviceId: SERVICE_ID, protocol: 'rest', version: '1.0' } as never;

describe('catalogue view', () => {
  it('keeps the newest content of an entry, whatever order the events come in', () => {
    const v2 = entryContent(null, listed(2, false), T2)!;
    assert.equal(v2.open, false);
    assert.equal(entryContent(v2, listed(1), T1), null, 'an older version changes nothing');
    assert.equal(entryContent(v2, listed(2), T2), null, 'a repeat changes nothing');
    assert.equal(entryContent(v2, listed(3), T2)?.open, true);
  });

  it('keeps a withdrawn entry withdrawn, even when its listing arrives late', () => {
    const withdrawn = entryWithdrawn(null, { entryId: ENTRY_ID, version: 2, reason: 'Thay thế' }, T2)!;
    assert.equal(withdrawn.status, 'withdrawn');
    assert.equal(entryContent(withdrawn, listed(1), T1), null);
    const amended = entryContent(withdrawn, listed(3), T2)!;
    assert.equal(amended.status, 'withdrawn');
    assert.equal(entryWithdrawn(amended, { entryId: ENTRY_ID, version: 3, reason: 'x' }, T2), null);
  });

  it('follows a sharing service, and a retired service stays retired', () => {
    const service = serviceDeclared(null, declared, T1)!;
    assert.equal(service.endpoint, schoolService().endpoint);
    assert.equal(serviceStatus(service, 'suspended', T2)?.status, 'suspended');
    const retired = serviceStatus(service, 'retired', T2)!;
    assert.equal(serviceStatus(retired, 'active', T2), null);
    assert.equal(serviceDeclared(retired, declared, T2)?.status, 'retired');
    assert.equal(serviceDeclared(retired, declared, T1), null, 'an older declaration changes nothing');
  });

  it('knows each agency by code, name and national identifier', () => {
    assert.deepEqual(
      agencyFrom({
        code: 'SGDDT',
        name: 'Sở Giáo dục và Đào tạo',
        level: 'province',
        nationalId: '000.00.12.H41',
      } as never),
      {
        code: 'SGDDT',
        name: 'Sở Giáo dục và Đào tạo',
        nationalId: '000.00.12.H41',
      },
    );
  });
});
