import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DatasetDistribution } from '@openlgsp/contracts';
import { contentDisposition, etagOf, matchesIfNoneMatch } from './download.rules.js';
import { objectKeyOf } from './object-key.js';

const file = (over: Partial<DatasetDistribution> = {}): DatasetDistribution => ({
  distributionId: '0197a1b2-7c4d-7e8f-9a01-0000000000a1',
  kind: 'file',
  title: { vi: 'Danh sách "trường" học/2026', en: 'Schools' },
  accessURL: 'https://example.gov.vn/d',
  format: 'CSV',
  ...over,
});

describe('downloads', () => {
  it('names the file safely: no quote, slash or control character in the header, exact name in filename*', () => {
    const header = contentDisposition(file());
    assert.equal(
      header,
      `attachment; filename="Danh_sach_truong_hoc_2026.csv"; filename*=UTF-8''Danh%20s%C3%A1ch%20%22tr%C6%B0%E1%BB%9Dng%22%20h%E1%BB%8Dc_2026.csv`,
    );
    assert.doesNotMatch(header, /[\r\n]/);
    const fromLink = contentDisposition(
      file({ downloadURL: 'https://example.gov.vn/x/..%2F..%2Fetc%0Apasswd' }),
    );
    assert.match(fromLink, /^attachment; filename="etc_passwd"; filename\*=UTF-8''\.\._\.\._etc_passwd$/);
  });

  it('falls back to the title when the link holds a malformed escape', () => {
    assert.match(
      contentDisposition(file({ downloadURL: 'https://example.gov.vn/x/%E0%A4%A' })),
      /filename="Danh_sach/,
    );
  });

  it('revalidates by the checksum, whatever the list or weakness of the tags', () => {
    const etag = etagOf('ab'.repeat(32));
    assert.equal(matchesIfNoneMatch(`"x", W/${etag}`, etag), true);
    assert.equal(matchesIfNoneMatch('*', etag), true);
    assert.equal(matchesIfNoneMatch('"other"', etag), false);
    assert.equal(matchesIfNoneMatch(undefined, etag), false);
  });

  it('finds a file by its checksum alone', () => {
    assert.equal(objectKeyOf('ab'.repeat(32)), `sha256/${'ab'.repeat(32)}`);
    assert.throws(() => objectKeyOf('../x'), RangeError);
  });
});
