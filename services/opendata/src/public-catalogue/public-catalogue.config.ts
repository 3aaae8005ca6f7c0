import type { CatalogInfo, DcatLinks } from '../dcat/dcat.serialiser.js';
import { DEFAULT_LICENCES, type Licence } from '../vocabularies/licences.js';

/** What the public read side needs from configuration, read once at start (a bad value stops it). */
export interface PublicCatalogueConfig {
  /** The portal's public base URL, without a trailing slash (IRIs and links are built on it). */
  publicUrl: string;
  /** Where this service's public API is reached (`…/opendata`), for CKAN's `help` links and downloads. */
  apiUrl: string;
  site: { title: string; description: string };
  catalog: Omit<CatalogInfo, 'modified'>;
  licences: readonly Licence[];
}

export const PUBLIC_CATALOGUE_CONFIG = Symbol('PUBLIC_CATALOGUE_CONFIG');

function url(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const raw = (env[name] ?? '').trim() || fallback;
  if (!/^https?:\/\/[^/\s]+(\/[^\s]*)?$/.test(raw))
    throw new Error(`${name} must be an http(s) URL, not '${raw}'`);
  return raw.replace(/\/+$/, '');
}

export function publicCatalogueConfigFromEnv(env: NodeJS.ProcessEnv = process.env): PublicCatalogueConfig {
  const publicUrl = url(env, 'OPENDATA_PUBLIC_URL', 'http://localhost:8080');
  const provinceCode = (env.PROVINCE_CODE ?? '62').trim();
  if (!/^[0-9]{2}$/.test(provinceCode))
    throw new Error(`PROVINCE_CODE must be two digits, not '${provinceCode}'`);
  const provinceName = (env.PROVINCE_NAME ?? 'Kon Tum').trim();
  const dicCode = (env.DIC_AGENCY_CODE ?? 'STTTT').trim();
  return {
    publicUrl,
    apiUrl: url(env, 'OPENDATA_API_URL', `${publicUrl}/opendata`),
    site: {
      title: `Cổng dữ liệu mở tỉnh ${provinceName}`,
      description: `Dữ liệu mở của các cơ quan nhà nước tỉnh ${provinceName}`,
    },
    catalog: {
      title: {
        vi: `Danh mục dữ liệu mở tỉnh ${provinceName}`,
        en: `${provinceName} province open data catalogue`,
      },
      description: {
        vi: `Các tập dữ liệu mở do cơ quan nhà nước tỉnh ${provinceName} công bố`,
        en: `Open datasets published by the public bodies of ${provinceName} province`,
      },
      publisher: { code: dicCode, name: (env.DIC_AGENCY_NAME ?? 'Sở Thông tin và Truyền thông').trim() },
      province: { code: provinceCode, name: provinceName },
    },
    licences: DEFAULT_LICENCES,
  };
}

/** The portal's IRIs: the dataset's IRI is its page, the catalogue pages are the API's DCAT pages. */
export function dcatLinksOf(config: PublicCatalogueConfig): DcatLinks {
  const base = config.publicUrl;
  return {
    catalog: `${base}/catalog`,
    homepage: base,
    dataset: (id) => `${base}/datasets/${id}`,
    distribution: (id, d) => `${base}/datasets/${id}/distributions/${d}`,
    agency: (code) => `${base}/agencies/${code}`,
    catalogPage: (n) => `${config.apiUrl}/catalog/dcat?page=${n}`,
  };
}
