import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatByCode } from '../vocabularies/formats.js';
import { sanitiseFileName, sniff, uploadFormat } from './upload.rules.js';

const csv = formatByCode('CSV')!;

describe('upload rules (004 Điều 8.1)', () => {
  it('keeps a plain file name, in NFC', () => {
    const name = sanitiseFileName(' Trường học 2026.csv '.normalize('NFD'));
    assert.deepEqual(name, { ok: true, value: 'Trường học 2026.csv' });
  });

  it('refuses paths and path tricks in a file name', () => {
    for (const bad of [
      '../etc/passwd',
      'a/b.csv',
      'a\\b.csv',
      '..',
      '.hidden.csv',
      'x..csv',
      'a\u0000.csv',
      '',
    ])
      assert.equal(sanitiseFileName(bad).ok, false, bad);
  });

  it('takes the format from the name, and wants the content type to say the same', () => {
    assert.equal(uploadFormat('schools.csv', 'text/csv; charset=utf-8').ok, true);
    const wrongType = uploadFormat('schools.csv', 'application/pdf');
    assert.equal(wrongType.ok, false);
    assert.equal(!wrongType.ok && wrongType.violation.code, 'mislabelled');
    assert.equal(uploadFormat('schools.pdf', 'text/csv', 'CSV').ok, false);
    assert.equal(uploadFormat('schools.txt', 'text/plain').ok, false);
  });

  it("refuses a file whose first bytes are not its format's", () => {
    assert.equal(sniff(csv, Buffer.from('a,b\n1,2\n')).ok, true);
    assert.equal(sniff(csv, Buffer.from('%PDF-1.7 …')).ok, false);
    assert.equal(sniff(csv, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0])).ok, false);
    assert.equal(sniff(formatByCode('PDF')!, Buffer.from('a,b\n')).ok, false);
    assert.equal(sniff(formatByCode('JSON')!, Buffer.from('\ufeff  {"a":1}')).ok, true);
    assert.equal(sniff(formatByCode('XML')!, Buffer.from('{"a":1}')).ok, false);
    assert.equal(sniff(csv, Buffer.alloc(0)).ok, false);
  });
});
