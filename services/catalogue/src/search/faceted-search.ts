import type { Model } from 'mongoose';
import { decodeCursor, encodeCursor } from '@openlgsp/persistence';
import { searchPattern } from './text.js';

export interface FacetedQuery {
  /** Free text over the document's folded `searchText`. */
  q?: string;
  /** Exact-match filters on document paths; undefined values are ignored. */
  filters: Record<string, string | boolean | undefined>;
  /** Paths to count values of, under the same filters. */
  facets: Record<string, string>;
  limit: number;
  cursor?: string;
}

export interface FacetedPage<T> {
  items: T[];
  nextCursor: string | null;
  total: number;
  facets: Record<string, Record<string, number>>;
}

/**
 * Search with facet counts and keyset pagination on `_id` (UUIDv7 ids sort by creation, so pages are
 * stable while documents are added). Only $match/$group/$sort: what FerretDB v1 and MongoDB share.
 */
export async function facetedSearch<T>(
  model: Model<T>,
  base: Record<string, unknown>,
  query: FacetedQuery,
): Promise<FacetedPage<T>> {
  const filter: Record<string, unknown> = { ...base };
  for (const [path, value] of Object.entries(query.filters)) if (value !== undefined) filter[path] = value;
  const words = query.q ? searchPattern(query.q) : [];
  if (words.length) filter.$and = words.map((w) => ({ searchText: { $regex: w } }));

  const after = query.cursor ? decodeCursor(query.cursor) : undefined;
  const pageFilter = after ? { ...filter, _id: { $gt: after.id } } : filter;
  const [rows, total, ...facetRows] = await Promise.all([
    model
      .find(pageFilter as never, { outbox: 0, searchText: 0 })
      .sort({ _id: 1 })
      .limit(query.limit + 1)
      .lean(),
    model.countDocuments(filter as never),
    ...Object.values(query.facets).map((path) =>
      model.aggregate<{ _id: unknown; count: number }>([
        { $match: filter },
        { $group: { _id: `$${path}`, count: { $sum: 1 } } },
        { $sort: { _id: 1 } },
      ]),
    ),
  ]);
  const items = (rows as (T & { _id: string })[]).slice(0, query.limit);
  const last = items[items.length - 1];
  const facets: FacetedPage<T>['facets'] = {};
  Object.keys(query.facets).forEach((name, i) => {
    facets[name] = Object.fromEntries(
      (facetRows[i] as { _id: unknown; count: number }[]).map((r) => [String(r._id ?? 'none'), r.count]),
    );
  });
  return {
    items: items as T[],
    nextCursor: rows.length > query.limit && last ? encodeCursor({ key: last._id, id: last._id }) : null,
    total,
    facets,
  };
}
