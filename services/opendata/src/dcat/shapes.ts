import { fileURLToPath } from 'node:url';

/**
 * Where the portal's SHACL shapes for DCAT-AP 3 are (src/dcat/shapes/dcat-ap-3.ttl): served beside
 * the catalogue, and used by the tests to validate what the serialisers write.
 */
export const DCAT_SHAPES_PATH = fileURLToPath(
  new URL('../../../src/dcat/shapes/dcat-ap-3.ttl', import.meta.url),
);
