import { PORTAL_FACETS, type PortalFacet, type PortalSearchParams } from './portal.read-model.js';

/** Bounds on what a search URL may ask, so a hostile link cannot make the read side work hard. */
export const SEARCH_LIMITS = { q: 200, valuesPerFacet: 20, value: 100, cursor: 512, pageSize: 20 } as const;

type QueryValue = string | string[] | undefined;

const values = (value: QueryValue): string[] =>
  (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter((v) => typeof v === 'string');

/**
 * The home page's query string as search parameters. A search box is forgiving: over-long text is
 * cut to its bound and extra values are dropped rather than refused, so a link never breaks the page.
 */
export function searchParamsOf(query: Record<string, QueryValue>): PortalSearchParams {
  const q = (values(query.q)[0] ?? '').trim().slice(0, SEARCH_LIMITS.q);
  const filters = Object.fromEntries(
    PORTAL_FACETS.map((facet) => [
      facet,
      [...new Set(values(query[facet]).map((v) => v.trim().slice(0, SEARCH_LIMITS.value)))]
        .filter(Boolean)
        .slice(0, SEARCH_LIMITS.valuesPerFacet),
    ]),
  ) as Record<PortalFacet, string[]>;
  const cursor = values(query.cursor)[0];
  return {
    q,
    filters,
    ...(cursor && cursor.length <= SEARCH_LIMITS.cursor ? { cursor } : {}),
    limit: SEARCH_LIMITS.pageSize,
  };
}
