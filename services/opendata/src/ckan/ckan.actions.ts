import { fold } from '@openlgsp/domain';
import type { PublicPublisher } from '../public-catalogue/public-catalogue.model.js';
import type { FacetClause, FacetName, SearchOrder, SearchQuery } from '../public-catalogue/public-search.js';
import type { Licence } from '../vocabularies/licences.js';
import { themeByCode } from '../vocabularies/themes.js';
import { organizationName, tagName } from './ckan.mapping.js';
import type { FilterField, PackageQuery, SortField } from './package-search.params.js';

/** Which facet of the public search a CKAN field is. */
export const FACET_OF: Record<FilterField, FacetName> = {
  organization: 'publisher',
  tags: 'keyword',
  res_format: 'format',
  license_id: 'licence',
  groups: 'theme',
};

const ORDER_OF: Record<SortField, SearchOrder['key']> = {
  score: 'score',
  id: 'id',
  name: 'id',
  title_string: 'title',
  metadata_modified: 'modified',
  metadata_created: 'issued',
};

export interface CkanVocabulary {
  licences: readonly Licence[];
  publishers: readonly PublicPublisher[];
}

/** A CKAN value of a field as the public search stores it (agency code, SPDX id, theme code, …). */
export function searchValueOf(field: FilterField, value: string, vocabulary: CkanVocabulary): string {
  switch (field) {
    case 'organization':
      return vocabulary.publishers.find((p) => organizationName(p._id) === value.toLowerCase())?._id ?? value;
    case 'license_id':
      return vocabulary.licences.find((l) => l.ckanId === value)?.id ?? value;
    case 'groups':
    case 'res_format':
      return value.toUpperCase();
    case 'tags':
      return value;
  }
}

/** The CKAN value of a stored one (the inverse of searchValueOf), as facets show it. */
export function ckanValueOf(field: FilterField, value: string, vocabulary: CkanVocabulary): string {
  switch (field) {
    case 'organization':
      return organizationName(value);
    case 'license_id':
      return vocabulary.licences.find((l) => l.id === value)?.ckanId ?? value;
    case 'groups':
      return value.toLowerCase();
    case 'tags':
      return tagName(value);
    case 'res_format':
      return value;
  }
}

/** What a facet value reads as: the agency's or theme's name where there is one. */
export function displayNameOf(field: FilterField, value: string, vocabulary: CkanVocabulary): string {
  if (field === 'organization')
    return vocabulary.publishers.find((p) => organizationName(p._id) === value)?.name ?? value;
  if (field === 'groups') return themeByCode(value.toUpperCase())?.label.vi ?? value;
  if (field === 'license_id') return vocabulary.licences.find((l) => l.ckanId === value)?.title ?? value;
  return value;
}

/** package_search's query as the public search runs it. */
export function searchQueryOf(query: PackageQuery, vocabulary: CkanVocabulary): SearchQuery {
  const clauses: FacetClause[] = query.filters.map((f) => ({
    facet: FACET_OF[f.field],
    values: [searchValueOf(f.field, f.value, vocabulary)],
    exclude: f.exclude,
  }));
  return {
    q: query.q,
    clauses,
    modified: query.modified,
    order: query.sort.map((s) => ({ key: ORDER_OF[s.field], direction: s.direction })),
  };
}

/** Facet counts of the public search, keyed by CKAN values (tags fold onto their CKAN tag name). */
export function ckanCounts(
  fields: readonly FilterField[],
  counts: Record<FacetName, Record<string, number>>,
  vocabulary: CkanVocabulary,
): Partial<Record<FilterField, Map<string, number>>> {
  const out: Partial<Record<FilterField, Map<string, number>>> = {};
  for (const field of fields) {
    const map = new Map<string, number>();
    for (const [value, count] of Object.entries(counts[FACET_OF[field]])) {
      const name = ckanValueOf(field, value, vocabulary);
      if (name) map.set(name, (map.get(name) ?? 0) + count);
    }
    out[field] = map;
  }
  return out;
}

/** tag_list's `query`: tags containing the words, accents and case aside. */
export function tagsMatching(tags: Iterable<string>, query: string | null): string[] {
  const needle = query ? fold(query) : '';
  return [...new Set(tags)].filter((t) => t.length >= 2 && (!needle || fold(t).includes(needle))).sort();
}

/** CKAN's own words for the order it used. */
export function sortText(query: PackageQuery): string {
  return query.sort.map((s) => `${s.field} ${s.direction}`).join(', ');
}
