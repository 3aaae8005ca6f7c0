import type { DatasetDistribution, DatasetMetadata } from '@openlgsp/contracts';
import jsonld from 'jsonld';
import { Parser, Writer } from 'n3';
import type { DatasetVersion } from '../datasets/dataset.model.js';
import { mediaTypeIri, formatByCode } from '../vocabularies/formats.js';
import { frequencyByCode } from '../vocabularies/frequencies.js';
import type { Licence } from '../vocabularies/licences.js';
import { THEME_SCHEME, themeByCode } from '../vocabularies/themes.js';
import { DCAT_CONTEXT, EU, PREFIXES } from './dcat.context.js';

type Node = Record<string, unknown>;

/** How the portal names what it describes: stable, dereferenceable IRIs from the public base URL. */
export interface DcatLinks {
  catalog: string;
  homepage: string;
  /** The dataset's IRI, also its landing page. */
  dataset(datasetId: string): string;
  distribution(datasetId: string, distributionId: string): string;
  agency(code: string): string;
  catalogPage(page: number): string;
}

/** A dataset as the catalogue shows it: its latest version, and whether it was retracted. */
export interface CatalogDataset {
  version: DatasetVersion;
  /** When version 1 was published. */
  issued: Date;
  retracted: boolean;
}

export interface CatalogInfo {
  title: { vi: string; en: string };
  description: { vi: string; en: string };
  /** DIC, which runs the portal (000 Điều 10). */
  publisher: { code: string; name: string };
  province: { code: string; name: string };
  modified: Date;
}

export interface DcatContext {
  links: DcatLinks;
  licences: readonly Licence[];
}

const langs = (text: { vi?: string; en?: string; ru?: string }) =>
  Object.entries(text as Record<string, string | undefined>)
    .filter(([, v]) => v)
    .map(([lang, value]) => ({ '@value': value, '@language': lang }));
const iri = (id: string) => ({ '@id': id });
const typed = (value: string, type: string) => ({ '@value': value, '@type': type });
const day = (d: string) => typed(d, 'xsd:date');
const instant = (d: Date) => typed(d.toISOString(), 'xsd:dateTime');

function agent(links: DcatLinks, p: { code: string; name: string; nationalId?: string }): Node {
  return {
    '@id': links.agency(p.code),
    '@type': 'foaf:Agent',
    'foaf:name': [{ '@value': p.name, '@language': 'vi' }],
    'dct:identifier': p.nationalId ?? p.code,
  };
}

function spatial(s: DatasetMetadata['spatial']): Node[] {
  return [s.province, s.district, s.commune]
    .filter((u) => u !== undefined)
    .map((u) => ({
      '@type': 'dct:Location',
      'dct:identifier': u.code,
      'skos:prefLabel': { '@value': u.name, '@language': 'vi' },
    }));
}

function licenceIri(ctx: DcatContext, id: string): string | undefined {
  return ctx.licences.find((l) => l.id === id)?.iri;
}

/** A dcat:Distribution (DCAT-AP 3: accessURL mandatory; description, format, licence, availability recommended). */
export function distributionNode(
  ctx: DcatContext,
  datasetId: string,
  d: DatasetDistribution,
  license: string,
): Node {
  const format = d.format ? formatByCode(d.format) : undefined;
  const licence = licenceIri(ctx, license);
  return {
    '@id': ctx.links.distribution(datasetId, d.distributionId),
    '@type': 'dcat:Distribution',
    'dct:identifier': d.distributionId,
    'dct:title': langs(d.title),
    ...(d.description ? { 'dct:description': langs(d.description) } : {}),
    'dcat:accessURL': iri(d.accessURL),
    ...(d.downloadURL ? { 'dcat:downloadURL': iri(d.downloadURL) } : {}),
    ...(format ? { 'dct:format': iri(format.iri) } : {}),
    ...(d.mediaType ? { 'dcat:mediaType': iri(mediaTypeIri(d.mediaType)) } : {}),
    ...(d.byteSize !== undefined
      ? { 'dcat:byteSize': typed(String(d.byteSize), 'xsd:nonNegativeInteger') }
      : {}),
    ...(d.sha256
      ? {
          'spdx:checksum': {
            '@type': 'spdx:Checksum',
            'spdx:algorithm': iri(`${PREFIXES.spdx}checksumAlgorithm_sha256`),
            'spdx:checksumValue': typed(d.sha256, 'xsd:hexBinary'),
          },
        }
      : {}),
    ...(licence ? { 'dct:license': iri(licence) } : {}),
    // A file of a version never changes (versions are immutable); a service is as available as its provider keeps it.
    'dcatap:availability': iri(d.kind === 'file' ? EU.availabilityStable : EU.availabilityAvailable),
    ...(d.kind === 'service'
      ? {
          'dcat:accessService': {
            '@type': 'dcat:DataService',
            'dct:title': langs(d.title),
            'dcat:endpointURL': iri(d.accessURL),
          },
        }
      : {}),
  };
}

/** A dcat:Dataset from its latest version (DCAT-AP 3: title and description mandatory). */
export function datasetNode(ctx: DcatContext, entry: CatalogDataset): Node {
  const v = entry.version;
  const m = v.metadata;
  const frequency = frequencyByCode(m.accrualPeriodicity);
  const keywords = Object.entries(m.keywords).flatMap(([lang, list]) =>
    ((list ?? []) as string[]).map((k) => ({ '@value': k, '@language': lang })),
  );
  return {
    '@id': ctx.links.dataset(v.datasetId),
    '@type': 'dcat:Dataset',
    'dct:identifier': v.datasetId,
    'dct:title': langs(m.title),
    'dct:description': langs(m.description),
    'dcat:keyword': keywords,
    'dcat:theme': m.themes.map((t) => iri(themeByCode(t)?.iri ?? `${THEME_SCHEME}/${t}`)),
    'dct:publisher': agent(ctx.links, { ...m.publisher, code: m.publisher.agency }),
    'dcat:contactPoint': {
      '@type': 'vcard:Kind',
      'vcard:fn': m.contactPoint.name,
      'vcard:hasEmail': iri(`mailto:${m.contactPoint.email}`),
      ...(m.contactPoint.phone
        ? { 'vcard:hasTelephone': iri(`tel:${m.contactPoint.phone.replace(/[^0-9+]/g, '')}`) }
        : {}),
      ...(m.contactPoint.url ? { 'vcard:hasURL': iri(m.contactPoint.url) } : {}),
    },
    'dct:spatial': spatial(m.spatial),
    ...(m.temporal
      ? {
          'dct:temporal': {
            '@type': 'dct:PeriodOfTime',
            ...(m.temporal.start ? { 'dcat:startDate': day(m.temporal.start) } : {}),
            ...(m.temporal.end ? { 'dcat:endDate': day(m.temporal.end) } : {}),
          },
        }
      : {}),
    ...(frequency ? { 'dct:accrualPeriodicity': iri(frequency.iri) } : {}),
    'dct:accessRights': iri(EU.accessRightPublic),
    'dcatap:applicableLegislation': m.legalBasis.map((l) => ({
      '@type': 'eli:LegalResource',
      'dct:title': {
        '@value': [l.instrument, l.article && `Điều ${l.article}`, l.clause && `khoản ${l.clause}`]
          .filter(Boolean)
          .join(', '),
        '@language': 'vi',
      },
    })),
    'dct:issued': instant(entry.issued),
    'dct:modified': instant(v.publishedAt),
    'dcat:version': String(v.version),
    'dcat:landingPage': iri(ctx.links.dataset(v.datasetId)),
    ...(entry.retracted ? { 'adms:status': iri(EU.datasetStatusWithdrawn) } : {}),
    'dcat:distribution': v.distributions.map((d) => distributionNode(ctx, v.datasetId, d, m.license)),
  };
}

/** One dataset as a JSON-LD document. */
export function datasetDocument(ctx: DcatContext, entry: CatalogDataset): Node {
  return { '@context': DCAT_CONTEXT, ...datasetNode(ctx, entry) };
}

export interface Page {
  /** 1-based. */
  page: number;
  pageSize: number;
  totalItems: number;
}

/**
 * A page of the catalogue: the dcat:Catalog with the page's datasets, and a Hydra view with the
 * first, previous, next and last pages, so a harvester walks the whole catalogue.
 */
export function catalogDocument(
  ctx: DcatContext,
  info: CatalogInfo,
  datasets: readonly CatalogDataset[],
  page: Page,
): Node {
  const last = Math.max(1, Math.ceil(page.totalItems / page.pageSize));
  const links = ctx.links;
  return {
    '@context': DCAT_CONTEXT,
    '@id': links.catalog,
    '@type': ['dcat:Catalog', 'hydra:Collection'],
    'dct:title': langs(info.title),
    'dct:description': langs(info.description),
    'dct:publisher': agent(links, info.publisher),
    'foaf:homepage': iri(links.homepage),
    'dct:language': [iri(EU.language('VIE')), iri(EU.language('ENG'))],
    'dct:modified': instant(info.modified),
    'dcat:themeTaxonomy': iri(THEME_SCHEME),
    'dct:spatial': {
      '@type': 'dct:Location',
      'dct:identifier': info.province.code,
      'skos:prefLabel': { '@value': info.province.name, '@language': 'vi' },
    },
    'hydra:totalItems': typed(String(page.totalItems), 'xsd:nonNegativeInteger'),
    'hydra:view': {
      '@id': links.catalogPage(page.page),
      '@type': 'hydra:PartialCollectionView',
      'hydra:first': iri(links.catalogPage(1)),
      'hydra:last': iri(links.catalogPage(last)),
      ...(page.page > 1 ? { 'hydra:previous': iri(links.catalogPage(page.page - 1)) } : {}),
      ...(page.page < last ? { 'hydra:next': iri(links.catalogPage(page.page + 1)) } : {}),
    },
    'dcat:dataset': datasets.map((d) => datasetNode(ctx, d)),
  };
}

/** Never fetch a remote context: the documents carry theirs inline, and a fetch would be an SSRF door. */
const noRemoteContexts = (url: string) => Promise.reject(new Error(`remote JSON-LD context refused: ${url}`));

/** The same document as N-Quads, through a conformant JSON-LD processor. */
export async function toNQuads(document: Node): Promise<string> {
  return (await jsonld.toRDF(document as jsonld.JsonLdDocument, {
    format: 'application/n-quads',
    documentLoader: noRemoteContexts as never,
  })) as unknown as string;
}

/** The same document as Turtle, with the usual prefixes. */
export async function toTurtle(document: Node): Promise<string> {
  const quads = new Parser({ format: 'N-Quads' }).parse(await toNQuads(document));
  const writer = new Writer({ prefixes: { ...PREFIXES } });
  writer.addQuads(quads);
  return new Promise((resolve, reject) =>
    writer.end((error, result: string) => (error ? reject(error) : resolve(result))),
  );
}
