import { hash } from 'node:crypto';

/**
 * The canonical JSON every hash and signature of the trail is computed over: RFC 8785, the JSON
 * Canonicalization Scheme (JCS), so a verifier in any language can use an existing JCS library.
 * Object members sorted by key in UTF-16 code units, no whitespace, strings and numbers as ECMAScript
 * writes them, members whose value is undefined left out, UTF-8. The trail holds only strings, safe
 * integers, booleans, arrays and plain objects (no fractions, whose spelling JCS fixes but we need not).
 * canonical.spec.ts checks this against the `canonicalize` library (by the RFC's author) with fast-check.
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

/** Characters JSON.stringify would escape (or check: surrogates, paired or lone); most text has none. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what JSON escapes
const NEEDS_ESCAPE = /[\u0000-\u001f"\\\ud800-\udfff]/;

/** A string as JSON.stringify writes it, without calling it for the common case of nothing to escape. */
function quoted(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

/**
 * The canonical JSON of `record`'s members named in `fields`, which must be in JCS order already:
 * what canonicalJson gives for the picked object, without building it or sorting its keys each time
 * (the verifier runs this a million times). Plain strings, integers and booleans are written
 * directly; anything else goes through canonicalJson.
 */
export function canonicalJsonOf(record: Record<string, unknown>, fields: readonly string[]): string {
  let out = '{';
  for (const field of fields) {
    const value = record[field];
    if (value === undefined) continue;
    if (out.length > 1) out += ',';
    out += `"${field}":`;
    switch (typeof value) {
      case 'string':
        out += quoted(value);
        break;
      case 'boolean':
        out += value ? 'true' : 'false';
        break;
      case 'object':
        out += Array.isArray(value) ? canonicalArray(value) : canonicalJson(value);
        break;
      default:
        out += canonicalJson(value);
    }
  }
  return `${out}}`;
}

/** An array, with `{name, value}` string pairs (message headers) written directly. */
function canonicalArray(items: unknown[]): string {
  let out = '[';
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as { name?: unknown; value?: unknown } | null;
    if (i > 0) out += ',';
    out +=
      item !== null &&
      typeof item === 'object' &&
      typeof item.name === 'string' &&
      typeof item.value === 'string' &&
      Object.keys(item).length === 2
        ? `{"name":${quoted(item.name)},"value":${quoted(item.value)}}`
        : canonicalJson(item);
  }
  return `${out}]`;
}

/** Fields named as constants need no escaping, and their order is JCS's when sorted this way. */
export function jcsOrder<T extends string>(fields: readonly T[]): readonly T[] {
  for (const f of fields)
    if (JSON.stringify(f) !== `"${f}"`) throw new TypeError(`field name ${f} needs escaping`);
  return [...fields].sort();
}

export function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex');
}
