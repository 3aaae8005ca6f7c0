import { fold, searchPattern } from '@openlgsp/domain';
import type { SearchEntry } from './public-catalogue.model.js';

export const FACETS = ['theme', 'publisher', 'format', 'licence', 'keyword'] as const;
export type FacetName = (typeof FACETS)[number];

const FIELD: Record<
  FacetName,
  keyof Pick<SearchEntry, 'themes' | 'publisher' | 'formats' | 'licence' | 'keywords'>
> = {
  theme: 'themes',
  publisher: 'publisher',
  format: 'formats',
  licence: 'licence',
  keyword: 'keywords',
};

/** A clause every match must satisfy: one of `values` (or, `exclude`, none of them). */
export interface FacetClause {
  facet: FacetName;
  values: string[];
  exclude?: boolean;
}

export type SortKey = 'score' | 'id' | 'title' | 'modified' | 'issued';
export interface SearchOrder {
  key: SortKey;
  direction: 'asc' | 'desc';
}

export interface SearchQuery {
  q?: string | null;
  clauses: FacetClause[];
  modified?: { from: Date | null; until: Date | null } | null;
  /** Retracted datasets leave searches unless asked for (they stay readable by id). */
  includeRetracted?: boolean;
  order?: SearchOrder[];
}

/** Relevance, then the newest change: what a reader looking for data usually wants first. */
export const DEFAULT_ORDER: SearchOrder[] = [
  { key: 'score', direction: 'desc' },
  { key: 'modified', direction: 'desc' },
];

export type FacetCounts = Record<FacetName, Record<string, number>>;

export interface Ranked {
  entry: SearchEntry;
  score: number;
}

function values(entry: SearchEntry, facet: FacetName): string[] {
  const v = entry[FIELD[facet]];
  return Array.isArray(v) ? v : [v];
}

function holds(entry: SearchEntry, clause: FacetClause): boolean {
  const have = values(entry, clause.facet);
  // Keywords match regardless of case and accents, as a reader types them.
  const hit =
    clause.facet === 'keyword'
      ? clause.values.some((w) => have.some((k) => fold(k) === fold(w)))
      : clause.values.some((w) => have.includes(w));
  return clause.exclude ? !hit : hit;
}

/**
 * The matches of a query among search entries, ranked, with the facet counts over all of them. "dat
 * dai" finds "Đất đai": text and query are folded alike; every word must occur.
 */
export function runSearch(
  entries: readonly SearchEntry[],
  query: SearchQuery,
): { ranked: Ranked[]; facets: FacetCounts } {
  const words = query.q ? searchPattern(query.q) : [];
  const from = query.modified?.from ?? null;
  const until = query.modified?.until ?? null;
  const ranked: Ranked[] = [];
  for (const entry of entries) {
    if (entry.retracted && !query.includeRetracted) continue;
    if (!words.every((w) => w.test(entry.text))) continue;
    if (!query.clauses.every((c) => holds(entry, c))) continue;
    const modified = new Date(entry.modified);
    if ((from && modified < from) || (until && modified > until)) continue;
    // A title that holds every word ranks before a match in the description or keywords only.
    const score = words.length === 0 ? 1 : words.every((w) => w.test(entry.titleText)) ? 2 : 1;
    ranked.push({ entry, score });
  }
  const order = query.order?.length ? query.order : DEFAULT_ORDER;
  ranked.sort((a, b) => compare(a, b, order));
  const facets = Object.fromEntries(FACETS.map((f) => [f, {}])) as FacetCounts;
  for (const { entry } of ranked)
    for (const facet of FACETS)
      for (const value of new Set(values(entry, facet)))
        facets[facet][value] = (facets[facet][value] ?? 0) + 1;
  return { ranked, facets };
}

function key(r: Ranked, k: SortKey): string | number {
  switch (k) {
    case 'score':
      return r.score;
    case 'id':
      return r.entry._id;
    case 'title':
      return fold(r.entry.title);
    case 'modified':
      return new Date(r.entry.modified).getTime();
    case 'issued':
      return new Date(r.entry.issued).getTime();
  }
}

/** Total order: the asked keys, then the id, so pages never repeat or skip an equal-keyed dataset. */
function compare(a: Ranked, b: Ranked, order: SearchOrder[]): number {
  for (const { key: k, direction } of [...order, { key: 'id' as const, direction: 'desc' as const }]) {
    const x = key(a, k);
    const y = key(b, k);
    if (x !== y) return (x < y ? -1 : 1) * (direction === 'asc' ? 1 : -1);
  }
  return 0;
}

/** Where a page ends: the last item's sort keys, so the next page starts right after it. */
export function cursorAfter(r: Ranked): string {
  return Buffer.from(JSON.stringify([r.score, new Date(r.entry.modified).getTime(), r.entry._id])).toString(
    'base64url',
  );
}

/** The page after `cursor` in the default order; throws RangeError on a cursor this API did not issue. */
export function pageAfter(ranked: readonly Ranked[], cursor: string | undefined, limit: number) {
  let start = 0;
  if (cursor) {
    let at: unknown;
    try {
      at = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    } catch {
      at = undefined;
    }
    if (
      !Array.isArray(at) ||
      at.length !== 3 ||
      typeof at[0] !== 'number' ||
      typeof at[1] !== 'number' ||
      typeof at[2] !== 'string'
    )
      throw new RangeError('cursor is not one this API issued');
    const [score, modified, id] = at as [number, number, string];
    const probe: Ranked = { score, entry: { _id: id, modified: new Date(modified) } as SearchEntry };
    start = ranked.findIndex((r) => compare(r, probe, DEFAULT_ORDER) > 0);
    if (start === -1) start = ranked.length;
  }
  const items = ranked.slice(start, start + limit);
  const last = items[items.length - 1];
  return { items, next: start + limit < ranked.length && last ? cursorAfter(last) : null };
}
