import type { FilterField, PackageQuery } from './package-search.params.js';

export interface FacetItem {
  name: string;
  display_name: string;
  count: number;
}

/** package_search's facets in both of CKAN's shapes: `facets` (value → count) and `search_facets`. */
export interface ShapedFacets {
  facets: Partial<Record<FilterField, Record<string, number>>>;
  search_facets: Partial<Record<FilterField, { title: string; items: FacetItem[] }>>;
}

/**
 * Orders each facet's values by count (then name, so equal counts read the same every time), keeps
 * those at or above the minimum count, and at most `facet.limit` of them.
 */
export function shapeFacets(
  counts: Partial<Record<FilterField, ReadonlyMap<string, number>>>,
  query: Pick<PackageQuery, 'facetFields' | 'facetLimit' | 'facetMinCount'>,
  displayName: (field: FilterField, value: string) => string = (_f, v) => v,
): ShapedFacets {
  const out: ShapedFacets = { facets: {}, search_facets: {} };
  for (const field of query.facetFields) {
    const items = [...(counts[field] ?? new Map<string, number>()).entries()]
      .filter(([, count]) => count >= query.facetMinCount)
      .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
      .slice(0, query.facetLimit)
      .map(([name, count]) => ({ name, display_name: displayName(field, name), count }));
    out.facets[field] = Object.fromEntries(items.map((i) => [i.name, i.count]));
    out.search_facets[field] = { title: field, items };
  }
  return out;
}
