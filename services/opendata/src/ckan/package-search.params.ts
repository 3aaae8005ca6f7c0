/**
 * package_search's parameters (CKAN 2.10), parsed and checked into a query the store can run. Only the
 * subset the portal supports is accepted, and each refusal says which parameter and why, in CKAN's
 * Validation Error shape. See CKAN.md.
 */
export const FILTER_FIELDS = ['organization', 'tags', 'res_format', 'license_id', 'groups'] as const;
export type FilterField = (typeof FILTER_FIELDS)[number];
export const FACET_FIELDS = FILTER_FIELDS;
export const SORT_FIELDS = [
  'score',
  'id',
  'name',
  'title_string',
  'metadata_modified',
  'metadata_created',
] as const;
export type SortField = (typeof SORT_FIELDS)[number];

export const MAX_ROWS = 1000;
export const DEFAULT_ROWS = 10;
export const MAX_START = 100_000;
export const DEFAULT_FACET_LIMIT = 50;
const MAX_Q = 1000;
const MAX_FQ = 2000;

export interface FieldFilter {
  field: FilterField;
  value: string;
  /** `-field:value`: the dataset must not match. */
  exclude: boolean;
}

/** `metadata_modified:[FROM TO UNTIL]`, as harvesters send to fetch what changed since their last run. */
export interface ModifiedRange {
  from: Date | null;
  until: Date | null;
}

export interface PackageQuery {
  /** Free text over titles, descriptions and keywords; null for everything (`*:*`). */
  q: string | null;
  filters: FieldFilter[];
  modified: ModifiedRange | null;
  rows: number;
  start: number;
  sort: { field: SortField; direction: 'asc' | 'desc' }[];
  facetFields: FilterField[];
  facetLimit: number;
  facetMinCount: number;
}

export type ParamErrors = Record<string, string[]>;
export type ParsedQuery = { ok: true; query: PackageQuery } | { ok: false; errors: ParamErrors };

/** Parameters CKAN clients commonly send that change nothing here (no private or draft datasets exist). */
const IGNORED = new Set([
  'include_private',
  'include_drafts',
  'include_deleted',
  'use_default_schema',
  'facet',
  'callback',
  '_',
]);

/**
 * Reads the parameters from a query string (GET) or a JSON body (POST), both as CKAN accepts them:
 * values are strings in a query string, and may be numbers or lists in a JSON body.
 */
export function parsePackageSearch(input: URLSearchParams | Record<string, unknown>): ParsedQuery {
  const params: Record<string, unknown> =
    input instanceof URLSearchParams
      ? Object.fromEntries(
          [...input.keys()].map((k) => [k, input.getAll(k).length > 1 ? input.getAll(k) : input.get(k)]),
        )
      : { ...input };
  const errors: ParamErrors = {};
  const error = (key: string, message: string) => (errors[key] ??= []).push(message);

  for (const key of Object.keys(params)) {
    if (Array.isArray(params[key]) && key !== 'facet.field') {
      error(key, 'given more than once');
      delete params[key];
    }
    if (!KNOWN.has(key) && !IGNORED.has(key))
      error(key, `is not a supported parameter (${[...KNOWN].join(', ')})`);
  }

  const text = (key: string, max: number): string | null => {
    const v = params[key];
    if (v === undefined || v === null || v === '') return null;
    if (typeof v !== 'string') return (error(key, 'must be a string'), null);
    if (v.length > max) return (error(key, `is ${v.length} characters long; at most ${max}`), null);
    return v.normalize('NFC');
  };
  const integer = (key: string, fallback: number, min: number, max: number): number => {
    const v = params[key];
    if (v === undefined || v === null || v === '') return fallback;
    const n =
      typeof v === 'number' ? v : typeof v === 'string' && /^-?[0-9]+$/.test(v.trim()) ? Number(v) : NaN;
    if (!Number.isInteger(n)) return (error(key, 'Invalid integer'), fallback);
    if (n < min || n > max) return (error(key, `must be between ${min} and ${max}`), fallback);
    return n;
  };

  const qText = text('q', MAX_Q)?.trim() ?? null;
  const q = qText === null || qText === '*:*' || qText === '*' ? null : qText;
  const { filters, modified } = parseFq(text('fq', MAX_FQ) ?? '', (m) => error('fq', m));
  const rows = integer('rows', DEFAULT_ROWS, 0, MAX_ROWS);
  const start = integer('start', 0, 0, MAX_START);
  const sort = parseSort(text('sort', 200), (m) => error('sort', m));
  const facetFields = parseFacetFields(params['facet.field'], (m) => error('facet.field', m));
  const rawLimit = integer('facet.limit', DEFAULT_FACET_LIMIT, -1, MAX_ROWS);
  const facetMinCount = integer('facet.mincount', 1, 0, MAX_ROWS);

  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    query: {
      q,
      filters,
      modified,
      rows,
      start,
      sort,
      facetFields,
      facetLimit: rawLimit === -1 ? MAX_ROWS : rawLimit,
      facetMinCount,
    },
  };
}

const KNOWN = new Set(['q', 'fq', 'rows', 'start', 'sort', 'facet.field', 'facet.limit', 'facet.mincount']);

// One fq clause: an optional +/-, a field, a colon, then a quoted value, a [range] or a bare word.
const CLAUSE = /([+-]?)([A-Za-z_]+):("(?:[^"\\]|\\.)*"|\[[^\]]*\]|[^\s"[\]]+)/y;

/**
 * Solr filter clauses as CKAN clients write them: `organization:sgddt tags:"giáo dục" -res_format:PDF
 * +dataset_type:dataset metadata_modified:[2026-01-01T00:00:00Z TO *]`. All clauses must hold.
 */
export function parseFq(
  fq: string,
  error: (message: string) => void,
): { filters: FieldFilter[]; modified: ModifiedRange | null } {
  const filters: FieldFilter[] = [];
  let modified: ModifiedRange | null = null;
  let at = 0;
  const rest = fq.trim();
  while (at < rest.length) {
    if (/\s/.test(rest[at]!)) {
      at++;
      continue;
    }
    CLAUSE.lastIndex = at;
    const m = CLAUSE.exec(rest);
    if (!m) {
      error(
        `cannot read '${rest.slice(at, at + 40)}': write field:value, field:"a value" or field:[FROM TO UNTIL]`,
      );
      break;
    }
    at = CLAUSE.lastIndex;
    const [, sign, field, raw] = m as unknown as [string, string, string, string];
    const value = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
    if (field === 'dataset_type' || field === 'type') {
      // Every package here is a dataset; harvesters ask for `+dataset_type:dataset`.
      if (value !== 'dataset' || sign === '-')
        error(`${field}:${value} matches nothing: every package is a dataset`);
      continue;
    }
    if (field === 'metadata_modified') {
      if (sign === '-') error('metadata_modified cannot be excluded');
      const range = parseRange(value);
      if (!range)
        error(`metadata_modified needs a range [FROM TO UNTIL] of ISO 8601 times or *, not ${value}`);
      else modified = range;
      continue;
    }
    if (!(FILTER_FIELDS as readonly string[]).includes(field)) {
      error(
        `'${field}' is not a field one can filter on (${[...FILTER_FIELDS, 'metadata_modified'].join(', ')})`,
      );
      continue;
    }
    if (raw.startsWith('[')) {
      error(`${field} takes a value, not a range`);
      continue;
    }
    filters.push({ field: field as FilterField, value: value.normalize('NFC'), exclude: sign === '-' });
  }
  return { filters, modified };
}

function parseRange(value: string): ModifiedRange | null {
  const m = /^\[\s*(\S+)\s+TO\s+(\S+)\s*\]$/.exec(value);
  if (!m) return null;
  const bound = (s: string) => {
    if (s === '*') return null;
    // Solr times may end with date math such as NOW; only plain instants are accepted here.
    const at = new Date(/[zZ]|[+-][0-9]{2}:[0-9]{2}$/.test(s) ? s : `${s}Z`);
    return Number.isNaN(at.getTime()) ? undefined : at;
  };
  const from = bound(m[1]!);
  const until = bound(m[2]!);
  if (from === undefined || until === undefined) return null;
  return { from, until };
}

export const DEFAULT_SORT: PackageQuery['sort'] = [
  { field: 'score', direction: 'desc' },
  { field: 'metadata_modified', direction: 'desc' },
];

function parseSort(sort: string | null, error: (message: string) => void): PackageQuery['sort'] {
  if (!sort) return DEFAULT_SORT;
  const out: PackageQuery['sort'] = [];
  for (const part of sort.split(',').map((s) => s.trim())) {
    const m = /^([a-z_]+)(?:\s+(asc|desc))?$/i.exec(part);
    if (!m || !(SORT_FIELDS as readonly string[]).includes(m[1]!)) {
      error(`'${part}' is not a sort; write one of ${SORT_FIELDS.join(', ')} then asc or desc`);
      continue;
    }
    out.push({ field: m[1] as SortField, direction: (m[2]?.toLowerCase() ?? 'asc') as 'asc' | 'desc' });
  }
  return out;
}

/** facet.field is a JSON list of field names, e.g. ["organization","tags"]. */
function parseFacetFields(value: unknown, error: (message: string) => void): FilterField[] {
  if (value === undefined || value === null || value === '') return [];
  let list: unknown = value;
  if (typeof value === 'string') {
    try {
      list = JSON.parse(value);
    } catch {
      error('must be a JSON list such as ["organization","tags"]');
      return [];
    }
  }
  if (!Array.isArray(list) || !list.every((f) => typeof f === 'string')) {
    error('must be a list of field names');
    return [];
  }
  const unknown = list.filter((f) => !(FACET_FIELDS as readonly string[]).includes(f));
  if (unknown.length) error(`cannot facet on ${unknown.join(', ')} (${FACET_FIELDS.join(', ')})`);
  return [...new Set(list.filter((f) => (FACET_FIELDS as readonly string[]).includes(f)))] as FilterField[];
}

/** A refusal's one-line message, CKAN style, beside the per-parameter errors. */
export function describeErrors(errors: ParamErrors): string {
  return Object.entries(errors)
    .map(([key, messages]) => `${key}: ${messages.join('; ')}`)
    .join(' | ');
}
