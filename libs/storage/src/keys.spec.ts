import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidContentTypeError, InvalidKeyError } from './errors.js';
import { checkContentType, checkKey, MAX_KEY_LENGTH } from './keys.js';

describe('checkKey', () => {
  for (const key of [
    'a',
    'publications/01J9Z8/3f2a.csv',
    'sha256/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    'v1.2_final-copy=ok+more@x',
    '.hidden/..dots',
  ]) {
    test(`accepts ${JSON.stringify(key)}`, () => assert.equal(checkKey(key), key));
  }

  for (const [key, reason] of [
    ['', 'empty'],
    ['../etc/passwd', '".." segment'],
    ['a/../../b', '".." segment'],
    ['a/./b', '"." segment'],
    ['..', '".." segment'],
    ['/etc/passwd', 'absolute path'],
    ['a\\..\\b', 'backslash'],
    ['a\0b', 'NUL'],
    ['a//b', 'empty segment'],
    ['a/', 'empty segment'],
    ['a b', 'character outside'],
    ['a\nb', 'character outside'],
    ['đất-đai.csv', 'character outside'],
    ['C:evil', 'character outside'],
    ['%2e%2e/x', 'character outside'],
    ['x'.repeat(MAX_KEY_LENGTH + 1), 'longer than'],
  ] as const) {
    test(`refuses ${JSON.stringify(key.slice(0, 30))}: ${reason}`, () => {
      assert.throws(
        () => checkKey(key),
        (error: unknown) =>
          error instanceof InvalidKeyError && error.status === 400 && error.reason.includes(reason),
      );
    });
  }
});

describe('checkContentType', () => {
  test('defaults to application/octet-stream', () => {
    assert.equal(checkContentType(undefined), 'application/octet-stream');
    assert.equal(checkContentType(''), 'application/octet-stream');
  });

  for (const type of [
    'text/csv',
    'text/csv; charset=utf-8',
    'application/vnd.ms-excel',
    'application/ld+json; profile="a b"',
  ]) {
    test(`accepts ${type}`, () => assert.equal(checkContentType(type), type));
  }

  for (const type of [
    'csv',
    'text/csv\r\nX-Evil: 1',
    'text/ csv',
    'text/csv; charset',
    '/csv',
    'text/csv;\u0000',
  ]) {
    test(`refuses ${JSON.stringify(type)}`, () =>
      assert.throws(() => checkContentType(type), InvalidContentTypeError));
  }
});
