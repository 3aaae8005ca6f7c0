import { createHash } from 'node:crypto';

/**
 * The canonical JSON every hash and signature of the trail is computed over, so that a verifier in
 * any language gets the same bytes: object keys sorted by UTF-16 code units, no whitespace, strings
 * and numbers as JSON.stringify writes them, members whose value is undefined left out, UTF-8.
 * Only strings, safe integers, booleans, arrays and plain objects may appear (the trail has no floats).
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isSafeInteger(value))
        throw new TypeError(`canonical JSON holds integers only, not ${value}`);
      return String(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
      const members = Object.keys(value as object)
        .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
        .sort()
        .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
      return `{${members.join(',')}}`;
    }
    default:
      throw new TypeError(`canonical JSON cannot hold a ${typeof value}`);
  }
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
