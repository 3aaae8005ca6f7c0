import type { Licence } from '../vocabularies/licences.js';
import type { CatalogDataset, DcatLinks } from './dcat.serialiser.js';

/**
 * A schema.org Dataset for the dataset's web page, so general search engines index the province's
 * open data (https://schema.org/Dataset). Vietnamese first, as on the portal.
 */
export function schemaOrgDataset(entry: CatalogDataset, links: DcatLinks, licences: readonly Licence[]) {
  const v = entry.version;
  const m = v.metadata;
  const licence = licences.find((l) => l.id === m.license);
  const places = [m.spatial.commune, m.spatial.district, m.spatial.province].filter((u) => u !== undefined);
  return {
    '@context': 'https://schema.org/',
    '@type': 'Dataset',
    '@id': links.dataset(v.datasetId),
    url: links.dataset(v.datasetId),
    identifier: v.datasetId,
    name: m.title.vi,
    alternateName: [m.title.en, ...(m.title.ru ? [m.title.ru] : [])],
    description: m.description.vi,
    inLanguage: ['vi', 'en', ...(m.title.ru ? ['ru'] : [])],
    keywords: [...(m.keywords.vi ?? []), ...(m.keywords.en ?? [])],
    ...(licence ? { license: licence.url } : {}),
    isAccessibleForFree: true,
    creator: {
      '@type': 'GovernmentOrganization',
      name: m.publisher.name,
      url: links.agency(m.publisher.agency),
    },
    publisher: {
      '@type': 'GovernmentOrganization',
      name: m.publisher.name,
      url: links.agency(m.publisher.agency),
    },
    datePublished: entry.issued.toISOString(),
    dateModified: v.publishedAt.toISOString(),
    version: String(v.version),
    ...(m.temporal ? { temporalCoverage: `${m.temporal.start ?? '..'}/${m.temporal.end ?? '..'}` } : {}),
    spatialCoverage: { '@type': 'Place', name: places.map((u) => u.name).join(', ') },
    ...(entry.retracted ? { creativeWorkStatus: 'Retracted' } : {}),
    distribution: v.distributions.map((d) => ({
      '@type': 'DataDownload',
      name: d.title.vi,
      contentUrl: d.downloadURL ?? d.accessURL,
      ...(d.mediaType ? { encodingFormat: d.mediaType } : {}),
      ...(d.byteSize !== undefined ? { contentSize: `${d.byteSize} B` } : {}),
    })),
  };
}
