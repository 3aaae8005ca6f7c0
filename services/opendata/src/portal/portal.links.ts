import type { DcatLinks } from '../dcat/dcat.serialiser.js';
import { PORTAL_FACETS, type PortalSearchParams } from './portal.read-model.js';
import type { Lang } from './portal.i18n.js';

/** Where the portal's pages live, below the service's prefix. */
export const PORTAL_BASE = '/opendata/portal';

/** The page's language travels in the query: Vietnamese needs nothing, English adds `lang=en`. */
function withQuery(path: string, query: URLSearchParams, lang: Lang): string {
  const q = new URLSearchParams(query);
  q.delete('lang');
  if (lang === 'en') q.set('lang', 'en');
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

export const portalPaths = {
  home: (lang: Lang) => withQuery(`${PORTAL_BASE}/`, new URLSearchParams(), lang),
  search(params: Partial<PortalSearchParams>, lang: Lang): string {
    const q = new URLSearchParams();
    if (params.q) q.set('q', params.q);
    for (const facet of PORTAL_FACETS) for (const v of params.filters?.[facet] ?? []) q.append(facet, v);
    if (params.cursor) q.set('cursor', params.cursor);
    return withQuery(`${PORTAL_BASE}/`, q, lang);
  },
  dataset: (id: string, lang: Lang) =>
    withQuery(`${PORTAL_BASE}/datasets/${encodeURIComponent(id)}`, new URLSearchParams(), lang),
  feedbackForm: (id: string, lang: Lang) =>
    withQuery(`${PORTAL_BASE}/datasets/${encodeURIComponent(id)}/feedback`, new URLSearchParams(), lang),
  publisher: (code: string, lang: Lang) =>
    withQuery(`${PORTAL_BASE}/publishers/${encodeURIComponent(code)}`, new URLSearchParams(), lang),
  feedback: (id: string, lang: Lang, sent = false) =>
    withQuery(
      `${PORTAL_BASE}/feedback/${encodeURIComponent(id)}`,
      new URLSearchParams(sent ? { sent: '1' } : {}),
      lang,
    ),
  stylesheet: `${PORTAL_BASE}/portal.css`,
  /** The same page in the other language, every other query parameter kept. */
  switchLanguage(currentUrl: string, to: Lang): string {
    const url = new URL(currentUrl, 'http://portal.invalid');
    return withQuery(url.pathname, url.searchParams, to);
  },
};

/**
 * The public read API's machine-readable views of a dataset: the routes of PublicCatalogueController
 * (`catalog/datasets/:id` with a `.jsonld`/`.ttl` suffix) and CkanController (`api/3/action/:action`).
 */
export const apiPaths = {
  dcatJsonLd: (id: string) => `/opendata/catalog/datasets/${encodeURIComponent(id)}.jsonld`,
  dcatTurtle: (id: string) => `/opendata/catalog/datasets/${encodeURIComponent(id)}.ttl`,
  ckanPackageShow: (id: string) => `/opendata/api/3/action/package_show?id=${encodeURIComponent(id)}`,
};

/**
 * The portal's IRIs for schema.org and DCAT, from the public base URL. The dataset's IRI is its
 * page on the portal; the read side's DCAT documents must use the same links (one DcatLinks at merge).
 */
export function portalDcatLinks(publicBaseUrl: string): DcatLinks {
  const base = publicBaseUrl.replace(/\/+$/, '');
  return {
    catalog: `${base}/opendata/catalog`,
    homepage: `${base}${PORTAL_BASE}/`,
    dataset: (id) => `${base}${PORTAL_BASE}/datasets/${encodeURIComponent(id)}`,
    distribution: (id, d) =>
      `${base}${PORTAL_BASE}/datasets/${encodeURIComponent(id)}#distribution-${encodeURIComponent(d)}`,
    agency: (code) => `${base}${PORTAL_BASE}/publishers/${encodeURIComponent(code)}`,
    catalogPage: (n) => `${base}/opendata/catalog?page=${n}`,
  };
}
