/** The object store the published files are read from (STORAGE_DIR or S3_*, see @openlgsp/storage). */
export const OPENDATA_OBJECT_STORE = Symbol('OPENDATA_OBJECT_STORE');
