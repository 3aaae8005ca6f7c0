/**
 * Open licences a dataset may carry. The portal's list is configuration (a province may narrow or
 * extend it); these are the defaults, each with its EU licence-vocabulary IRI (DCAT-AP 3 recommends
 * it for dct:license) and the id CKAN clients know it by.
 */
export interface Licence {
  /** SPDX identifier, the id datasets store. */
  id: string;
  /** CKAN's license_id for the same licence (CKAN's default licence list). */
  ckanId: string;
  title: string;
  /** The EU licence vocabulary's IRI. */
  iri: string;
  /** The licence text. */
  url: string;
}

const EU_LICENCE = 'http://publications.europa.eu/resource/authority/licence';

export const DEFAULT_LICENCE_ID = 'CC-BY-4.0';

export const DEFAULT_LICENCES: readonly Licence[] = Object.freeze([
  {
    id: 'CC-BY-4.0',
    ckanId: 'cc-by',
    title: 'Creative Commons Attribution 4.0',
    iri: `${EU_LICENCE}/CC_BY_4_0`,
    url: 'https://creativecommons.org/licenses/by/4.0/',
  },
  {
    id: 'CC0-1.0',
    ckanId: 'cc-zero',
    title: 'Creative Commons CC0 1.0',
    iri: `${EU_LICENCE}/CC0`,
    url: 'https://creativecommons.org/publicdomain/zero/1.0/',
  },
  {
    id: 'ODC-By-1.0',
    ckanId: 'odc-by',
    title: 'Open Data Commons Attribution License 1.0',
    iri: `${EU_LICENCE}/ODC_BY`,
    url: 'https://opendatacommons.org/licenses/by/1-0/',
  },
  {
    id: 'CC-BY-SA-4.0',
    ckanId: 'cc-by-sa',
    title: 'Creative Commons Attribution Share-Alike 4.0',
    iri: `${EU_LICENCE}/CC_BYSA_4_0`,
    url: 'https://creativecommons.org/licenses/by-sa/4.0/',
  },
  {
    id: 'ODbL-1.0',
    ckanId: 'odc-odbl',
    title: 'Open Data Commons Open Database License 1.0',
    iri: `${EU_LICENCE}/ODC_ODBL`,
    url: 'https://opendatacommons.org/licenses/odbl/1-0/',
  },
  {
    id: 'PDDL-1.0',
    ckanId: 'odc-pddl',
    title: 'Open Data Commons Public Domain Dedication and License 1.0',
    iri: `${EU_LICENCE}/ODC_PDDL`,
    url: 'https://opendatacommons.org/licenses/pddl/1-0/',
  },
]);

/** The configured list, checked once: ids unique and the default among them. */
export function licenceList(licences: readonly Licence[], defaultId: string): readonly Licence[] {
  const ids = new Set(licences.map((l) => l.id));
  if (ids.size !== licences.length) throw new Error('licence ids must be unique');
  if (!ids.has(defaultId)) throw new Error(`the default licence ${defaultId} is not in the list`);
  return licences;
}
