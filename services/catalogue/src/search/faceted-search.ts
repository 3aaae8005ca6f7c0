import type { Model } from 'mongoose';
import { findPage } from '@openlgsp/persistence';
import { searchPattern } from '@openlgsp/domain';

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
  /** Counted on the first page only: they do not change with the cursor. */
  total?: number;
  facets?: Record<string, Record<string, number>>;
}

/**
 * Search with facet counts and keyset pagination on `_id` (UUIDv7 ids sort by creation, so pages are
 * stable while documents are added). Only $match/$group/$sort: what FerretDB v1 and MongoDB share.
 * `visible` is the reader's visibility filter: every other clause is added beside it under `$and`,
 * so no query parameter can replace it.
 */
export async function facetedSearch<T extends { _id: string }>(
  model: Model<T>,
  visible: Record<string, unknown>,
  query: FacetedQuery,
): Promise<FacetedPage<T>> {
  const clauses: Record<string, unknown>[] = [visible];
  for (const [path, value] of Object.entries(query.filters))
    if (value !== undefined) clauses.push({ [path]: value });
  for (const word of query.q ? searchPattern(query.q) : []) clauses.push({ searchText: { $regex: word } });
  const filter = { $and: clauses };

  const page = await findPage(model, filter, query, ['searchText']);
  if (query.cursor) return page;

  const [total, ...facetRows] = await Promise.all([
    model.countDocuments(filter as never),
    ...Object.values(query.facets).map((path) =>
      model.aggregate<{ _id: unknown; count: number }>([
        { $match: filter },
        { $group: { _id: `$${path}`, count: { $sum: 1 } } },
        { $sort: { _id: 1 } },
      ]),
    ),
  ]);
  const facets: Record<string, Record<string, number>> = {};
  Object.keys(query.facets).forEach((name, i) => {
    facets[name] = Object.fromEntries(facetRows[i]!.map((r) => [String(r._id ?? 'none'), r.count]));
  });
  return { ...page, total, facets };
}
