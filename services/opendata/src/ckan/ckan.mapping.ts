import type { AgencyView } from '../catalogue-view/catalogue-view.model.js';
import type { CatalogDataset, DcatLinks } from '../dcat/dcat.serialiser.js';
import { frequencyByCode } from '../vocabularies/frequencies.js';
import type { Licence } from '../vocabularies/licences.js';
import { themeByCode } from '../vocabularies/themes.js';
import { EU } from '../dcat/dcat.context.js';

/** The CKAN 2.10 dicts the portal answers with; see CKAN.md for each field's source. */
export interface CkanTag {
  id: string;
  name: string;
  display_name: string;
  vocabulary_id: null;
  state: 'active';
}

export interface CkanResource {
  id: string;
  package_id: string;
  name: string;
  description: string;
  url: string;
  format: string;
  mimetype: string | null;
  size: number | null;
  hash: string;
  created: string;
  last_modified: string;
  metadata_modified: string;
  position: number;
  state: 'active';
  url_type: null;
  /** OpenLGSP: file (uploaded to the platform), service (a sharing service) or url. */
  distribution_kind: string;
}

export interface CkanOrganization {
  id: string;
  name: string;
  title: string;
  display_name: string;
  description: string;
  image_url: string;
  type: 'organization';
  is_organization: true;
  state: 'active';
  approval_status: 'approved';
  created: string;
  package_count?: number;
}

export interface CkanGroup {
  id: string;
  name: string;
  title: string;
  display_name: string;
  description: string;
  image_display_url: string;
}

export interface CkanPackage {
  id: string;
  name: string;
  title: string;
  notes: string;
  title_translated: Record<string, string>;
  notes_translated: Record<string, string>;
  url: string;
  version: string;
  type: 'dataset';
  state: 'active' | 'deleted';
  private: false;
  isopen: boolean;
  license_id: string;
  license_title: string;
  license_url: string;
  author: string;
  author_email: null;
  maintainer: string;
  maintainer_email: string;
  metadata_created: string;
  metadata_modified: string;
  owner_org: string;
  organization: CkanOrganization;
  num_resources: number;
  num_tags: number;
  tags: CkanTag[];
  groups: CkanGroup[];
  resources: CkanResource[];
  extras: { key: string; value: string }[];
  relationships_as_object: [];
  relationships_as_subject: [];
}

/**
 * An organization's `name` is its URL slug: CKAN allows lower-case letters, digits, '-' and '_', so the
 * agency code is lower-cased (agency codes are unique regardless of case on the platform).
 */
export const organizationName = (agencyCode: string) => agencyCode.toLowerCase();

export function organizationDict(agency: AgencyView, created: Date, packageCount?: number): CkanOrganization {
  return {
    id: agency.code,
    name: organizationName(agency.code),
    title: agency.name,
    display_name: agency.name,
    description: agency.nationalId ? `Mã định danh: ${agency.nationalId}` : '',
    image_url: '',
    type: 'organization',
    is_organization: true,
    state: 'active',
    approval_status: 'approved',
    created: ckanTime(created),
    ...(packageCount !== undefined ? { package_count: packageCount } : {}),
  };
}

/** CKAN writes times as ISO 8601 in UTC without an offset, with microseconds. */
export function ckanTime(at: Date): string {
  return at.toISOString().replace('Z', '000');
}

/** A keyword as a CKAN tag name (CKAN allows letters, digits, spaces, '-', '_' and '.'; at most 100). */
export function tagName(keyword: string): string {
  return keyword
    .normalize('NFC')
    .replace(/[^\p{L}\p{N} _.-]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 100);
}

/** Every keyword of a version, Vietnamese first, each tag once. */
export function tagsOf(entry: CatalogDataset): string[] {
  const k = entry.version.metadata.keywords;
  return [
    ...new Set([...(k.vi ?? []), ...(k.en ?? []), ...(k.ru ?? [])].map(tagName).filter((t) => t.length >= 2)),
  ];
}

export interface CkanMappingContext {
  links: DcatLinks;
  licences: readonly Licence[];
  /** The publisher agency as the catalogue knows it, with the date it was registered. */
  organization: { agency: AgencyView; created: Date };
}

/** A dataset's latest version as a CKAN package dict (package_show, package_search results). */
export function packageDict(entry: CatalogDataset, ctx: CkanMappingContext): CkanPackage {
  const v = entry.version;
  const m = v.metadata;
  const licence = ctx.licences.find((l) => l.id === m.license);
  const tags = tagsOf(entry);
  const modified = ckanTime(v.publishedAt);
  const extra = (key: string, value: string | undefined) => (value ? [{ key, value }] : []);
  const places = [m.spatial.province, m.spatial.district, m.spatial.commune].filter((u) => u !== undefined);
  return {
    id: v.datasetId,
    // The id is the slug: it never changes when a title is corrected, so harvesters keep their link.
    name: v.datasetId,
    title: m.title.vi,
    notes: m.description.vi,
    title_translated: { ...m.title },
    notes_translated: { ...m.description },
    url: ctx.links.dataset(v.datasetId),
    version: String(v.version),
    type: 'dataset',
    // A retracted dataset stays readable by id but leaves lists and searches, as a deleted CKAN package.
    state: entry.retracted ? 'deleted' : 'active',
    private: false,
    isopen: licence !== undefined,
    license_id: licence?.ckanId ?? m.license,
    license_title: licence?.title ?? m.license,
    license_url: licence?.url ?? '',
    author: m.publisher.name,
    author_email: null,
    maintainer: m.contactPoint.name,
    maintainer_email: m.contactPoint.email,
    metadata_created: ckanTime(entry.issued),
    metadata_modified: modified,
    owner_org: ctx.organization.agency.code,
    organization: organizationDict(ctx.organization.agency, ctx.organization.created),
    num_resources: v.distributions.length,
    num_tags: tags.length,
    tags: tags.map((name) => ({ id: name, name, display_name: name, vocabulary_id: null, state: 'active' })),
    groups: m.themes.map((code) => {
      const theme = themeByCode(code);
      return {
        id: code,
        name: code.toLowerCase(),
        title: theme?.label.vi ?? code,
        display_name: theme?.label.vi ?? code,
        description: theme?.label.en ?? '',
        image_display_url: '',
      };
    }),
    resources: v.distributions.map((d, position) => ({
      id: d.distributionId,
      package_id: v.datasetId,
      name: d.title.vi,
      description: d.description?.vi ?? '',
      url: d.downloadURL ?? d.accessURL,
      format: d.format ?? (d.kind === 'service' ? 'API' : ''),
      mimetype: d.mediaType ?? null,
      size: d.byteSize ?? null,
      hash: d.sha256 ? `sha256:${d.sha256}` : '',
      created: ckanTime(entry.issued),
      last_modified: modified,
      metadata_modified: modified,
      position,
      state: 'active',
      url_type: null,
      distribution_kind: d.kind,
    })),
    // ckanext-dcat's extras, so a DCAT-aware CKAN harvester maps them back to DCAT-AP.
    extras: [
      ...extra('identifier', v.datasetId),
      ...extra('dcat_version', String(v.version)),
      ...extra('access_rights', EU.accessRightPublic),
      ...extra('frequency', frequencyByCode(m.accrualPeriodicity)?.iri),
      ...extra('theme', JSON.stringify(m.themes.map((t) => themeByCode(t)?.iri ?? t))),
      ...extra('language', JSON.stringify([EU.language('VIE'), EU.language('ENG')])),
      ...extra('spatial_text', places.map((u) => u.name).join(', ')),
      ...extra('temporal_start', m.temporal?.start),
      ...extra('temporal_end', m.temporal?.end),
      ...extra('publisher_name', m.publisher.name),
      ...extra('contact_name', m.contactPoint.name),
      ...extra('contact_email', m.contactPoint.email),
      ...extra(
        'legal_basis',
        m.legalBasis
          .map((l) => [l.instrument, l.article && `Điều ${l.article}`].filter(Boolean).join(' '))
          .join('; '),
      ),
      ...(entry.retracted ? [{ key: 'openlgsp_status', value: 'retracted' }] : []),
    ],
    relationships_as_object: [],
    relationships_as_subject: [],
  };
}

export type ActivityType = 'new package' | 'changed package' | 'deleted package';

/** One entry of recently_changed_packages_activity_list, from a publication, an update or a retraction. */
export function activityDict(
  activityId: string,
  type: ActivityType,
  at: Date,
  pkg: CkanPackage,
): {
  id: string;
  timestamp: string;
  user_id: string;
  object_id: string;
  activity_type: ActivityType;
  data: { package: CkanPackage };
} {
  return {
    id: activityId,
    timestamp: ckanTime(at),
    // The acting officer is not public; the publishing agency is.
    user_id: pkg.owner_org,
    object_id: pkg.id,
    activity_type: type,
    data: { package: pkg },
  };
}

/** status_show: what a CKAN client checks before anything else (notably the CKAN version it speaks). */
export function statusDict(site: { url: string; title: string; description: string }) {
  return {
    site_title: site.title,
    site_url: site.url,
    site_description: site.description,
    ckan_version: CKAN_API_VERSION,
    error_emails_to: null,
    locale_default: 'vi',
    extensions: ['openlgsp'],
  };
}

/** The CKAN release whose Action API this subset follows. */
export const CKAN_API_VERSION = '2.10.4';
