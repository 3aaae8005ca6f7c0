import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NOW as now, dic, owner, value, violation } from '../../test/fixtures.js';
import type { AgencyState } from './agency.model.js';
import { register, update, type AgencyDetails } from './agency.rules.js';

const province: AgencyState = {
  _id: 'UBND',
  codeFolded: 'ubnd',
  revision: 1,
  name: 'Ủy ban nhân dân tỉnh',
  level: 'province',
  registeredAt: now,
  updatedAt: now,
};
const district: AgencyState = {
  ...province,
  _id: 'UBND-H1',
  codeFolded: 'ubnd-h1',
  name: 'UBND huyện 1',
  level: 'district',
  parentCode: 'UBND',
};

const department: AgencyDetails = {
  nationalId: '000.00.31.H41',
  name: 'Sở Tài nguyên và Môi trường',
  level: 'province',
  focalPoint: { name: 'Trần Thị Lan', email: 'lan@stnmt.example.vn' },
};

describe('registering an agency', () => {
  it('registers it and says so in a registered event', () => {
    const change = value(register('STNMT', department, null, dic, now));
    assert.equal(change.next._id, 'STNMT');
    assert.equal(change.next.registeredAt, now);
    assert.deepEqual(change.facts, [
      { type: 'vn.openlgsp.catalogue.agency.registered.v1', data: { code: 'STNMT', ...department } },
    ]);
  });

  it('lets only DIC register agencies', () => {
    assert.equal(violation(register('STNMT', department, null, owner, now)).code, 'not-dic');
  });

  it('refuses a parent that is not registered', () => {
    const v = violation(
      register('X1', { name: 'Xã 1', level: 'commune', parentCode: 'UBND-H9' }, null, dic, now),
    );
    assert.equal(v.code, 'unknown-parent');
    assert.equal(v.path, '/parentCode');
  });

  it('puts a commune under a district and a district under the province', () => {
    assert.equal(
      register('X1', { name: 'Xã 1', level: 'commune', parentCode: 'UBND-H1' }, district, dic, now).ok,
      true,
    );
    assert.equal(
      violation(register('X1', { name: 'Xã 1', level: 'commune', parentCode: 'UBND' }, province, dic, now))
        .code,
      'parent-level',
    );
    assert.equal(
      violation(
        register('H2', { name: 'Huyện 2', level: 'district', parentCode: 'UBND-H1' }, district, dic, now),
      ).code,
      'parent-level',
    );
  });
});

describe('updating an agency', () => {
  const registered = () => value(register('STNMT', department, null, dic, now)).next;
  const later = new Date('2026-04-01T00:00:00Z');

  it('replaces its details, removing optional ones left out, and keeps its registration date', () => {
    const change = value(
      update(registered(), { name: 'Sở Nông nghiệp và Môi trường', level: 'province' }, null, dic, later),
    );
    assert.equal(change.next.name, 'Sở Nông nghiệp và Môi trường');
    assert.equal(change.next.nationalId, undefined, 'a detail left out of the update is removed');
    assert.equal(change.next.focalPoint, undefined);
    assert.equal(change.next.registeredAt, now);
    assert.equal(change.next.updatedAt, later);
    assert.deepEqual(
      change.facts.map((f) => f.type),
      ['vn.openlgsp.catalogue.agency.updated.v1'],
    );
  });

  it('refuses an agency as its own parent', () => {
    assert.equal(
      violation(update(registered(), { ...department, parentCode: 'STNMT' }, registered(), dic, later)).code,
      'own-parent',
    );
  });

  it('lets only DIC update agencies', () => {
    assert.equal(violation(update(registered(), department, null, owner, later)).kind, 'forbidden');
  });
});
