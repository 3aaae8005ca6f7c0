import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@openlgsp/domain';
import { dcatLinksOf } from '../public-catalogue/public-catalogue.config.js';
import type {
  PublicDataset,
  PublicPublisher,
  PublicVersion,
} from '../public-catalogue/public-catalogue.model.js';
import { catalogDatasetOf, PublicCatalogueService } from '../public-catalogue/public-catalogue.service.js';
import {
  ckanCounts,
  displayNameOf,
  searchQueryOf,
  sortText,
  tagsMatching,
  type CkanVocabulary,
} from './ckan.actions.js';
import {
  activityDict,
  organizationDict,
  organizationName,
  packageDict,
  statusDict,
  tagName,
  type ActivityType,
  type CkanPackage,
} from './ckan.mapping.js';
import { shapeFacets } from './facets.js';
import { parsePackageSearch, type ParamErrors } from './package-search.params.js';

/** A refusal in CKAN's words: which parameter, and why. */
export class CkanValidationError extends Error {
  constructor(readonly errors: ParamErrors) {
    super(
      Object.entries(errors)
        .map(([k, m]) => `${k}: ${m.join('; ')}`)
        .join(' | '),
    );
  }
}

export type CkanParams = Record<string, unknown>;

const ACTIVITY: Record<'published' | 'updated' | 'retracted', ActivityType> = {
  published: 'new package',
  updated: 'changed package',
  retracted: 'deleted package',
};

function integer(
  params: CkanParams,
  key: string,
  fallback: number,
  min: number,
  max: number,
  errors: ParamErrors,
) {
  const v = params[key];
  if (v === undefined || v === null || v === '') return fallback;
  const n =
    typeof v === 'number' ? v : typeof v === 'string' && /^-?[0-9]+$/.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isInteger(n)) (errors[key] ??= []).push('Invalid integer');
  else if (n < min || n > max) (errors[key] ??= []).push(`must be between ${min} and ${max}`);
  else return n;
  return fallback;
}

function text(params: CkanParams, key: string, errors: ParamErrors, required = false): string | null {
  const v = params[key];
  if (v === undefined || v === null || v === '') {
    if (required) (errors[key] ??= []).push('Missing value');
    return null;
  }
  if (typeof v !== 'string' || v.length > 200) {
    (errors[key] ??= []).push('must be a string of at most 200 characters');
    return null;
  }
  return v.normalize('NFC');
}

function checked(errors: ParamErrors): void {
  if (Object.keys(errors).length) throw new CkanValidationError(errors);
}

/** The CKAN Action API subset (CKAN.md) over the public catalogue: read-only, public. */
@Injectable()
export class CkanService {
  constructor(private readonly catalogue: PublicCatalogueService) {}

  readonly actions: Record<string, (params: CkanParams) => Promise<unknown>> = {
    status_show: async () => this.statusShow(),
    package_list: (p) => this.packageList(p),
    package_search: (p) => this.packageSearch(p),
    package_show: (p) => this.packageShow(p),
    organization_list: (p) => this.organizationList(p),
    organization_show: (p) => this.organizationShow(p),
    tag_list: (p) => this.tagList(p),
    recently_changed_packages_activity_list: (p) => this.recentlyChanged(p),
  };

  private statusShow() {
    const c = this.catalogue.config;
    return statusDict({ url: c.publicUrl, title: c.site.title, description: c.site.description });
  }

  private async vocabulary(): Promise<CkanVocabulary> {
    return { licences: this.catalogue.config.licences, publishers: await this.catalogue.publisherRecords() };
  }

  private packageOf(doc: PublicDataset, vocabulary: CkanVocabulary, version?: PublicVersion): CkanPackage {
    const v = version ?? doc.current!;
    const publisher: PublicPublisher =
      vocabulary.publishers.find((p) => p._id === v.metadata.publisher.agency) ??
      ({
        _id: v.metadata.publisher.agency,
        name: v.metadata.publisher.name,
        since: v.publishedAt,
      } as PublicPublisher);
    return packageDict(catalogDatasetOf(doc, v), {
      links: dcatLinksOf(this.catalogue.config),
      licences: vocabulary.licences,
      organization: {
        agency: {
          code: publisher._id,
          name: publisher.name,
          ...(publisher.nationalId ? { nationalId: publisher.nationalId } : {}),
        },
        created: new Date(publisher.since),
      },
    });
  }

  private async packageList(params: CkanParams) {
    const errors: ParamErrors = {};
    const limit = integer(params, 'limit', 1000, 0, 1000, errors);
    const offset = integer(params, 'offset', 0, 0, 1_000_000, errors);
    checked(errors);
    const { ranked } = await this.catalogue.rank({ clauses: [], order: [{ key: 'id', direction: 'asc' }] });
    return ranked.slice(offset, offset + limit).map((r) => r.entry._id);
  }

  private async packageSearch(params: CkanParams) {
    const parsed = parsePackageSearch(params);
    if (!parsed.ok) throw new CkanValidationError(parsed.errors);
    const query = parsed.query;
    const vocabulary = await this.vocabulary();
    const { ranked, facets } = await this.catalogue.rank(searchQueryOf(query, vocabulary));
    const docs = await this.catalogue.load(ranked.slice(query.start, query.start + query.rows));
    const shaped = shapeFacets(ckanCounts(query.facetFields, facets, vocabulary), query, (field, value) =>
      displayNameOf(field, value, vocabulary),
    );
    return {
      count: ranked.length,
      results: docs.map((d) => this.packageOf(d, vocabulary)),
      facets: shaped.facets,
      search_facets: shaped.search_facets,
      sort: sortText(query),
    };
  }

  private async packageShow(params: CkanParams) {
    const errors: ParamErrors = {};
    const id = text(params, 'id', errors, true);
    checked(errors);
    const doc = await this.catalogue.publicDataset(id!.toLowerCase());
    return this.packageOf(doc, await this.vocabulary());
  }

  private async organizationList(params: CkanParams) {
    const errors: ParamErrors = {};
    const limit = integer(params, 'limit', 1000, 0, 1000, errors);
    const offset = integer(params, 'offset', 0, 0, 100_000, errors);
    const sort = text(params, 'sort', errors) ?? 'name asc';
    const allFields =
      params.all_fields === true || params.all_fields === 'true' || params.all_fields === 'True';
    if (!/^(name|title|package_count)( (asc|desc))?$/.test(sort))
      (errors.sort ??= []).push('write name, title or package_count, then asc or desc');
    checked(errors);
    const counts = await this.catalogue.datasetCounts();
    const [field, direction = 'asc'] = sort.split(' ') as [string, string];
    const orgs = (await this.catalogue.publisherRecords())
      .map((p) =>
        organizationDict(
          { code: p._id, name: p.name, ...(p.nationalId ? { nationalId: p.nationalId } : {}) },
          new Date(p.since),
          counts[p._id] ?? 0,
        ),
      )
      .sort((a, b) => {
        const x = field === 'package_count' ? a.package_count! : field === 'title' ? a.title : a.name;
        const y = field === 'package_count' ? b.package_count! : field === 'title' ? b.title : b.name;
        return (x < y ? -1 : x > y ? 1 : 0) * (direction === 'desc' ? -1 : 1);
      })
      .slice(offset, offset + limit);
    return allFields ? orgs : orgs.map((o) => o.name);
  }

  private async organizationShow(params: CkanParams) {
    const errors: ParamErrors = {};
    const id = text(params, 'id', errors, true);
    checked(errors);
    const publisher = (await this.catalogue.publisherRecords()).find(
      (p) => p._id === id || organizationName(p._id) === id!.toLowerCase(),
    );
    if (!publisher) throw new NotFoundError('organization', id!);
    const counts = await this.catalogue.datasetCounts();
    return organizationDict(
      {
        code: publisher._id,
        name: publisher.name,
        ...(publisher.nationalId ? { nationalId: publisher.nationalId } : {}),
      },
      new Date(publisher.since),
      counts[publisher._id] ?? 0,
    );
  }

  private async tagList(params: CkanParams) {
    const errors: ParamErrors = {};
    const query = text(params, 'query', errors);
    checked(errors);
    const { facets } = await this.catalogue.rank({ clauses: [] });
    return tagsMatching(Object.keys(facets.keyword).map(tagName), query);
  }

  private async recentlyChanged(params: CkanParams) {
    const errors: ParamErrors = {};
    const limit = integer(params, 'limit', 31, 1, 100, errors);
    const offset = integer(params, 'offset', 0, 0, 10_000, errors);
    checked(errors);
    const vocabulary = await this.vocabulary();
    const out = [];
    for (const a of await this.catalogue.activities(limit, offset)) {
      const [doc, version] = await Promise.all([
        this.catalogue.publicDataset(a.datasetId).catch(() => null),
        this.catalogue.publicVersion(a.datasetId, a.version).catch(() => null),
      ]);
      if (!doc || !version) continue;
      // The package as of that change; a retraction shows it deleted.
      const asOf = a.kind === 'retracted' ? doc : { ...doc, retraction: null };
      out.push(
        activityDict(a._id, ACTIVITY[a.kind], new Date(a.at), this.packageOf(asOf, vocabulary, version)),
      );
    }
    return out;
  }
}
