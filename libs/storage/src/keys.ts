import { InvalidContentTypeError, InvalidKeyError } from './errors.js';

export const MAX_KEY_LENGTH = 512;

/** One path segment: letters, digits, `.`, `_`, `-`, `=`, `+`, `@` (and never `.` or `..` alone). */
const SEGMENT = /^[A-Za-z0-9._\-=+@]+$/;

/**
 * Checks an object key and returns it: `/`-separated segments of plain characters, no empty
 * segment, no `.`/`..`, no leading `/`, no NUL, backslash or other control or unusual character.
 * The same key is then safe as a relative file path (folder store) and as an S3 key.
 */
export function checkKey(key: string): string {
  if (typeof key !== 'string' || key.length === 0) throw new InvalidKeyError(String(key), 'empty');
  if (key.length > MAX_KEY_LENGTH) throw new InvalidKeyError(key, `longer than ${MAX_KEY_LENGTH} characters`);
  if (key.includes('\0')) throw new InvalidKeyError(key, 'contains NUL');
  if (key.includes('\\')) throw new InvalidKeyError(key, 'contains a backslash');
  if (key.startsWith('/')) throw new InvalidKeyError(key, 'is an absolute path');
  for (const segment of key.split('/')) {
    if (segment === '') throw new InvalidKeyError(key, 'has an empty segment');
    if (segment === '.' || segment === '..') throw new InvalidKeyError(key, `has a "${segment}" segment`);
    if (!SEGMENT.test(segment)) throw new InvalidKeyError(key, 'has a character outside [A-Za-z0-9._-=+@/]');
  }
  return key;
}

export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

// RFC 9110 §8.3.1: type "/" subtype *( OWS ";" OWS parameter ), tokens of tchar; no CR/LF or controls.
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const MEDIA_TYPE = new RegExp(
  `^${TOKEN}/${TOKEN}(?:[ \\t]*;[ \\t]*${TOKEN}=(?:${TOKEN}|"[^"\\\\\\x00-\\x1f\\x7f]*"))*$`,
);

/** Checks a media type (stored and later sent back as a header) and returns it; default octet-stream. */
export function checkContentType(contentType: string | undefined): string {
  if (contentType === undefined || contentType === '') return DEFAULT_CONTENT_TYPE;
  if (contentType.length > 255 || !MEDIA_TYPE.test(contentType))
    throw new InvalidContentTypeError(contentType);
  return contentType;
}
