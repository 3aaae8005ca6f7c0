/**
 * The JSON-LD context of the portal's DCAT-AP 3 documents: prefixes only, inline, so a document is
 * read the same by any JSON-LD processor without fetching anything.
 */
export const PREFIXES = {
  dcat: 'http://www.w3.org/ns/dcat#',
  dct: 'http://purl.org/dc/terms/',
  dcatap: 'http://data.europa.eu/r5r/',
  foaf: 'http://xmlns.com/foaf/0.1/',
  vcard: 'http://www.w3.org/2006/vcard/ns#',
  skos: 'http://www.w3.org/2004/02/skos/core#',
  spdx: 'http://spdx.org/rdf/terms#',
  adms: 'http://www.w3.org/ns/adms#',
  eli: 'http://data.europa.eu/eli/ontology#',
  hydra: 'http://www.w3.org/ns/hydra/core#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
} as const;

export const DCAT_CONTEXT = { ...PREFIXES };

/** EU vocabularies the documents point to. */
export const EU = {
  accessRightPublic: 'http://publications.europa.eu/resource/authority/access-right/PUBLIC',
  availabilityStable: 'http://publications.europa.eu/resource/authority/planned-availability/STABLE',
  availabilityAvailable: 'http://publications.europa.eu/resource/authority/planned-availability/AVAILABLE',
  datasetStatusWithdrawn: 'http://publications.europa.eu/resource/authority/dataset-status/WITHDRAWN',
  language: (code: 'VIE' | 'ENG' | 'RUS') =>
    `http://publications.europa.eu/resource/authority/language/${code}`,
} as const;
