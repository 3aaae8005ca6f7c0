import { RangeNotSatisfiableError } from './errors.js';

/**
 * A byte range as HTTP states it (RFC 9110 §14.1.2): `{start, end?}` with `end` inclusive and
 * optional (to the last byte), or `{suffix}` for the last `suffix` bytes.
 */
export type ByteRange = { start: number; end?: number } | { suffix: number };

/** A range resolved against an object's size: first and last byte, both inclusive. */
export interface ResolvedRange {
  start: number;
  end: number;
}

/**
 * Parses a `Range` header. Returns undefined when the whole object should be sent: no header,
 * another unit, several ranges (we may ignore a Range header, RFC 9110 §14.2) or a malformed one.
 */
export function parseRangeHeader(header: string | undefined): ByteRange | undefined {
  if (!header) return undefined;
  const match = /^bytes=[ \t]*(\d*)-(\d*)[ \t]*$/.exec(header.trim());
  if (!match) return undefined;
  const [, first, last] = match;
  if (first === '' && last === '') return undefined;
  if (first === '') return { suffix: Number(last) };
  const start = Number(first);
  if (last === '') return { start };
  const end = Number(last);
  return end < start ? undefined : { start, end };
}

/** The bytes a range covers in an object of `size` bytes; throws RangeNotSatisfiableError if none. */
export function resolveRange(range: ByteRange, size: number): ResolvedRange {
  if ('suffix' in range) {
    if (!(range.suffix > 0) || size === 0) throw new RangeNotSatisfiableError(size);
    return { start: Math.max(0, size - range.suffix), end: size - 1 };
  }
  if (!Number.isSafeInteger(range.start) || range.start < 0 || range.start >= size)
    throw new RangeNotSatisfiableError(size);
  const end = range.end === undefined ? size - 1 : Math.min(range.end, size - 1);
  if (!Number.isSafeInteger(end) || end < range.start) throw new RangeNotSatisfiableError(size);
  return { start: range.start, end };
}

/** The `Range` header value that asks for `range`. */
export function rangeHeader(range: ByteRange): string {
  if ('suffix' in range) return `bytes=-${range.suffix}`;
  return `bytes=${range.start}-${range.end ?? ''}`;
}

/** The `Content-Range` header value of a 206 answer. */
export function contentRange(range: ResolvedRange, size: number): string {
  return `bytes ${range.start}-${range.end}/${size}`;
}
