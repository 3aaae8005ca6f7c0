import type { FieldError } from '@openlgsp/http';
import { FACETS } from './public-search.js';
import { MAX_LIMIT, type SearchParams } from './public-catalogue.service.js';

type QueryParams = Record<string, string | string[] | undefined>;
export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

const MAX_Q = 200;
const MAX_VALUES = 20;
const MAX_VALUE = 100;
export const MAX_DCAT_PAGE_SIZE = 100;

const list = (v: string | string[] | undefined): string[] =>
  (Array.isArray(v) ? v : v === undefined ? [] : [v])
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter(Boolean);

function integer(
  query: QueryParams,
  name: string,
  min: number,
  max: number,
  errors: FieldError[],
): number | undefined {
  const raw = query[name];
  if (raw === undefined || raw === '') return undefined;
  if (Array.isArray(raw) || !/^[0-9]{1,9}$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    errors.push({ path: `?${name}`, message: `must be a whole number from ${min} to ${max}` });
    return undefined;
  }
  return Number(raw);
}

function unknownParams(query: QueryParams, known: readonly string[], errors: FieldError[]): void {
  for (const name of Object.keys(query))
    if (!known.includes(name))
      errors.push({ path: `?${name}`, message: `is not a parameter here (${known.join(', ')})` });
}

/**
 * `GET /opendata/catalog?q=&theme=EDUC&theme=HEAL&publisher=…&limit=&cursor=`: a facet's values are
 * repeated or comma-separated (any of them matches); different facets must all match.
 */
export function parseSearchParams(query: QueryParams): Parsed<SearchParams> {
  const errors: FieldError[] = [];
  unknownParams(query, ['q', ...FACETS, 'limit', 'cursor'], errors);
  const params: SearchParams = {};
  if (query.q !== undefined) {
    if (Array.isArray(query.q)) errors.push({ path: '?q', message: 'is given more than once' });
    else if (query.q.length > MAX_Q)
      errors.push({ path: '?q', message: `has ${query.q.length} characters; at most ${MAX_Q}` });
    else if (query.q.trim()) params.q = query.q.normalize('NFC');
  }
  for (const facet of FACETS) {
    const values = list(query[facet]).map((v) => v.normalize('NFC'));
    if (values.length > MAX_VALUES)
      errors.push({ path: `?${facet}`, message: `at most ${MAX_VALUES} values` });
    else if (values.some((v) => v.length > MAX_VALUE))
      errors.push({ path: `?${facet}`, message: `a value has at most ${MAX_VALUE} characters` });
    else if (values.length) params[facet] = values;
  }
  const limit = integer(query, 'limit', 1, MAX_LIMIT, errors);
  if (limit !== undefined) params.limit = limit;
  if (query.cursor !== undefined) {
    if (Array.isArray(query.cursor) || query.cursor.length > 300 || !/^[A-Za-z0-9_-]+$/.test(query.cursor))
      errors.push({ path: '?cursor', message: 'is not a cursor this API issued' });
    else params.cursor = query.cursor;
  }
  return errors.length ? { ok: false, errors } : { ok: true, value: params };
}

/** `?page=&pageSize=` of the DCAT catalogue (1-based pages, a Hydra view links them). */
export function parseCatalogPage(query: QueryParams): Parsed<{ page: number; pageSize: number }> {
  const errors: FieldError[] = [];
  unknownParams(query, ['page', 'pageSize'], errors);
  const page = integer(query, 'page', 1, 100_000, errors) ?? 1;
  const pageSize = integer(query, 'pageSize', 1, MAX_DCAT_PAGE_SIZE, errors) ?? 50;
  return errors.length ? { ok: false, errors } : { ok: true, value: { page, pageSize } };
}

export type RdfFormat = 'jsonld' | 'turtle';

/**
 * What the reader asked for: a `.jsonld`/`.ttl` suffix wins, then the Accept header (DCAT as JSON-LD or
 * Turtle); null for the plain JSON view.
 */
export function rdfFormatOf(accept: string | undefined, suffix?: string): RdfFormat | null {
  if (suffix === '.jsonld') return 'jsonld';
  if (suffix === '.ttl') return 'turtle';
  const ranked = (accept ?? '')
    .split(',')
    .map((part, i) => {
      const [type, ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { type: type!.trim(), q: q === undefined ? 1 : Number(q), i };
    })
    .filter((m) => m.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const { type } of ranked) {
    if (type === 'application/ld+json') return 'jsonld';
    if (type === 'text/turtle') return 'turtle';
    if (type === 'application/json' || type === '*/*' || type === 'application/*') return null;
  }
  return null;
}
