import type { DatasetPublishedV1, DatasetRetractedV1, DatasetUpdatedV1 } from '@openlgsp/contracts';
import { searchable } from '@openlgsp/domain';
import type {
  DatasetSummary,
  PublicDataset,
  PublicPublisher,
  PublicVersion,
  SearchEntry,
} from './public-catalogue.model.js';

/** A version as the change feed carries it (published: version 1; updated: a later one). */
export function versionOf(data: DatasetPublishedV1 | DatasetUpdatedV1): PublicVersion {
  return {
    datasetId: data.datasetId,
    entryId: data.entryId,
    ownerAgency: data.ownerAgency,
    version: data.version,
    publishedAt: new Date(data.publishedAt),
    metadata: data.metadata,
    distributions: data.distributions,
  };
}

function empty(id: string, at: Date): PublicDataset {
  return {
    _id: id,
    latestVersion: 0,
    current: null,
    issued: null,
    retraction: null,
    versions: [],
    updatedAt: at,
  };
}

/**
 * A version reaches the public catalogue, whatever order the events arrive in: an older or repeated
 * version changes nothing (null), and a retraction that arrived first stays (a retracted dataset is
 * never published again).
 */
export function applyVersion(current: PublicDataset | null, version: PublicVersion): PublicDataset | null {
  const doc = current ?? empty(version.datasetId, version.publishedAt);
  if (doc.versions.some((v) => v.version === version.version)) return null;
  const versions = [...doc.versions, { version: version.version, publishedAt: version.publishedAt }].sort(
    (a, b) => a.version - b.version,
  );
  const newest = version.version > doc.latestVersion;
  const issued = doc.issued === null || version.publishedAt < doc.issued ? version.publishedAt : doc.issued;
  return {
    ...doc,
    latestVersion: Math.max(doc.latestVersion, version.version),
    current: newest ? version : doc.current,
    issued,
    versions,
    updatedAt: newest ? version.publishedAt : doc.updatedAt,
  };
}

/** A retraction marks the dataset retracted, once; it stays readable by id (null: already so). */
export function applyRetraction(
  current: PublicDataset | null,
  data: DatasetRetractedV1,
): PublicDataset | null {
  const at = new Date(data.retractedAt);
  const doc = current ?? empty(data.datasetId, at);
  if (doc.retraction) return null;
  return {
    ...doc,
    retraction: { cause: data.cause, reason: data.reason, version: data.version, at },
    updatedAt: at > doc.updatedAt ? at : doc.updatedAt,
  };
}

/** The formats a reader can filter on: the file types, and API for a sharing service. */
export function formatsOf(v: PublicVersion): string[] {
  const formats = v.distributions.map((d): string => d.format ?? (d.kind === 'service' ? 'API' : ''));
  return [...new Set(formats)].filter((f) => f !== '');
}

/** The search entry of a dataset with a public version (null before its first version arrived). */
export function searchEntryOf(doc: PublicDataset): SearchEntry | null {
  const v = doc.current;
  if (!v) return null;
  const m = v.metadata;
  const keywords = [...new Set([...m.keywords.vi, ...(m.keywords.en ?? []), ...(m.keywords.ru ?? [])])];
  return {
    _id: doc._id,
    text: searchable(
      m.title.vi,
      m.title.en,
      m.title.ru,
      m.description.vi,
      m.description.en,
      m.description.ru,
      ...keywords,
      m.publisher.name,
    ),
    titleText: searchable(m.title.vi, m.title.en, m.title.ru),
    title: m.title.vi,
    themes: [...m.themes],
    publisher: m.publisher.agency,
    formats: formatsOf(v),
    licence: m.license,
    keywords,
    retracted: doc.retraction !== null,
    issued: doc.issued ?? v.publishedAt,
    modified: doc.retraction && doc.retraction.at > v.publishedAt ? doc.retraction.at : v.publishedAt,
    summary: summaryOf(doc),
  };
}

/** A dataset with a public version as a result list shows it. */
export function summaryOf(doc: PublicDataset): DatasetSummary {
  const v = doc.current!;
  const m = v.metadata;
  return {
    id: doc._id,
    status: doc.retraction ? 'retracted' : 'published',
    version: v.version,
    title: m.title,
    description: m.description,
    publisher: { code: m.publisher.agency, name: m.publisher.name },
    themes: m.themes,
    formats: formatsOf(v),
    licence: m.license,
    keywords: m.keywords.vi,
    issued: new Date(doc.issued ?? v.publishedAt).toISOString(),
    modified: new Date(v.publishedAt).toISOString(),
  };
}

/** The publisher as the newest version names it; `since` keeps its first publication. */
export function publisherOf(current: PublicPublisher | null, version: PublicVersion): PublicPublisher {
  const p = version.metadata.publisher;
  const since = current && current.since < version.publishedAt ? current.since : version.publishedAt;
  if (current && version.publishedAt < current.updatedAt) return { ...current, since };
  return {
    _id: p.agency,
    name: p.name,
    ...(p.nationalId ? { nationalId: p.nationalId } : {}),
    since,
    updatedAt: version.publishedAt,
  };
}
