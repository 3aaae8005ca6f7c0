import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fold, searchPattern } from './search-text.js';

describe('search text', () => {
  it('finds Vietnamese words typed with or without accents (004 Điều 13.2.c)', () => {
    const text = fold('Cơ sở dữ liệu Đất đai tỉnh Kon Tum');
    assert.equal(text, 'co so du lieu dat dai tinh kon tum');
    for (const query of ['đất đai', 'dat dai', 'DỮ LIỆU', 'kon']) {
      assert.ok(
        searchPattern(query).every((p) => p.test(text)),
        `'${query}' should match`,
      );
    }
    assert.equal(
      searchPattern('y tế').every((p) => p.test(text)),
      false,
    );
  });

  it('escapes regex syntax in queries', () => {
    assert.doesNotThrow(() => searchPattern('(a+)+$ [x'));
    assert.equal(searchPattern('.*')[0]!.test('abc'), false);
  });
});
